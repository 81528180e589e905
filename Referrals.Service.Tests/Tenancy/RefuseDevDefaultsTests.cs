extern alias service;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using service::Referrals.Service.Tenancy;

namespace Referrals.Service.Tests.Tenancy;

[Trait("Tier", "Unit")]
public sealed class RefuseDevDefaultsTests
{
    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Referrals.Service";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] entries) =>
        new ConfigurationBuilder().AddInMemoryCollection(entries.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value))).Build();

    [Theory]
    [InlineData("Shopify:AppSecret", "dev-webhook-secret")]
    [InlineData("Shopify:PreviousAppSecret", "other-webhook-secret")]
    [InlineData("Shopify:AppSecret", "other-webhook-secret")]
    public void Outside_development_the_public_dev_app_secrets_refuse_to_start(string key, string value)
    {
        var refused = Should.Throw<InvalidOperationException>(() =>
            RefuseDevDefaultsOutsideDevelopment.Check(Configuration((key, value)), new Environment("Production")));

        refused.Message.ShouldContain(key);
    }

    [Fact]
    public void Outside_development_a_real_app_secret_starts_and_in_development_the_dev_ones_do()
    {
        RefuseDevDefaultsOutsideDevelopment.Check(Configuration(("Shopify:AppSecret", "a-real-secret")), new Environment("Production"));
        RefuseDevDefaultsOutsideDevelopment.Check(Configuration(("Shopify:AppSecret", "dev-webhook-secret"),
            ("Shopify:PreviousAppSecret", "other-webhook-secret")), new Environment("Development"));
    }
}
