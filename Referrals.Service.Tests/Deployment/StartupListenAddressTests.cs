extern alias service;

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using service::Referrals.Service.Platform;

namespace Referrals.Service.Tests.Deployment;

[Trait("Tier", "Unit")]
public sealed class StartupListenAddressTests
{
    [Fact]
    public void Outside_development_every_endpoint_listens_on_all_interfaces_on_its_own_port()
    {
        var builder = BuilderFor(Environments.Production, ("Kestrel:Endpoints:Grpc:Url", "http://127.0.0.1:50060"),
            ("Kestrel:Endpoints:Http:Url", "http://127.0.0.1:8080"));

        ListenAddress.Apply(builder.Configuration, builder.Environment);

        builder.Configuration["Kestrel:Endpoints:Grpc:Url"].ShouldBe("http://0.0.0.0:50060");
        builder.Configuration["Kestrel:Endpoints:Http:Url"].ShouldBe("http://0.0.0.0:8080");
    }

    [Fact]
    public void In_development_every_endpoint_listens_on_loopback_only()
    {
        var builder = BuilderFor(Environments.Development, ("Kestrel:Endpoints:Grpc:Url", "http://0.0.0.0:50070"),
            ("Kestrel:Endpoints:Http:Url", "http://*:8090"));

        ListenAddress.Apply(builder.Configuration, builder.Environment);

        builder.Configuration["Kestrel:Endpoints:Grpc:Url"].ShouldBe("http://127.0.0.1:50070");
        builder.Configuration["Kestrel:Endpoints:Http:Url"].ShouldBe("http://127.0.0.1:8090");
    }

    [Fact]
    public void A_configured_listen_address_wins_in_any_environment()
    {
        var builder = BuilderFor(Environments.Production, ("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:8080"),
            (ListenAddress.Key, "10.1.2.3"));

        ListenAddress.Apply(builder.Configuration, builder.Environment);

        builder.Configuration["Kestrel:Endpoints:Http:Url"].ShouldBe("http://10.1.2.3:8080");
    }

    [Fact]
    public void The_shipped_settings_keep_the_usual_ports_and_protocols()
    {
        var settings = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Infrastructure.Repository.Root, "Referrals.Service", "appsettings.json"))
            .Build();

        settings["Kestrel:Endpoints:Grpc:Url"].ShouldBe("http://0.0.0.0:50060");
        settings["Kestrel:Endpoints:Grpc:Protocols"].ShouldBe("Http2");
        settings["Kestrel:Endpoints:Http:Url"].ShouldBe("http://0.0.0.0:8080");
        settings["Kestrel:Endpoints:Http:Protocols"].ShouldBe("Http1");
    }

    private static WebApplicationBuilder BuilderFor(string environment, params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        foreach (var (key, value) in settings)
            builder.Configuration[key] = value;
        return builder;
    }
}
