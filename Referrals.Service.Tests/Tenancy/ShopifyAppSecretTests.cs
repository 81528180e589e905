extern alias service;

using System.Text;
using Microsoft.Extensions.Configuration;
using service::Referrals.Service.Webhooks;

namespace Referrals.Service.Tests.Tenancy;

[Trait("Tier", "Unit")]
public sealed class ShopifyAppSecretTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":1}");

    private static IConfiguration Configuration(params (string Key, string? Value)[] entries) =>
        new ConfigurationBuilder().AddInMemoryCollection(entries.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value))).Build();

    [Fact]
    public void During_a_rotation_the_current_and_the_previous_app_secret_both_sign()
    {
        var secrets = ShopifyAppSecrets.From(Configuration(("Shopify:AppSecret", "new-secret"), ("Shopify:PreviousAppSecret", "old-secret")));

        secrets.SignatureMatches(Body, ShopifyWebhookSignature.Sign(Body, "new-secret")).ShouldBeTrue();
        secrets.SignatureMatches(Body, ShopifyWebhookSignature.Sign(Body, "old-secret")).ShouldBeTrue();
        secrets.SignatureMatches(Body, ShopifyWebhookSignature.Sign(Body, "third-secret")).ShouldBeFalse();
    }

    [Fact]
    public void Without_a_previous_secret_only_the_current_one_signs()
    {
        var secrets = ShopifyAppSecrets.From(Configuration(("Shopify:AppSecret", "new-secret")));

        secrets.SignatureMatches(Body, ShopifyWebhookSignature.Sign(Body, "new-secret")).ShouldBeTrue();
        secrets.SignatureMatches(Body, ShopifyWebhookSignature.Sign(Body, "old-secret")).ShouldBeFalse();
        secrets.SignatureMatches(Body, ShopifyWebhookSignature.Sign(Body, "")).ShouldBeFalse();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64 !!")]
    [InlineData("AAAA")]
    public void An_absent_or_garbage_signature_signs_nothing(string? signature)
    {
        ShopifyAppSecrets.From(Configuration(("Shopify:AppSecret", "new-secret"))).SignatureMatches(Body, signature).ShouldBeFalse();
    }

    [Fact]
    public void A_signature_of_other_bytes_does_not_sign_this_body()
    {
        var secrets = ShopifyAppSecrets.From(Configuration(("Shopify:AppSecret", "new-secret")));

        secrets.SignatureMatches(Encoding.UTF8.GetBytes("{\"id\":1} "), ShopifyWebhookSignature.Sign(Body, "new-secret")).ShouldBeFalse();
    }

    [Fact]
    public void A_configuration_without_the_app_secret_refuses_to_start_and_says_what_to_set()
    {
        var refused = Should.Throw<InvalidOperationException>(() => ShopifyAppSecrets.From(Configuration(("Shopify:PreviousAppSecret", "old"))));

        refused.Message.ShouldContain("Shopify:AppSecret");
        refused.Message.ShouldContain("Shopify__AppSecret");
    }
}
