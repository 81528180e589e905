extern alias service;

using service::Referrals.Service.Tenancy;

namespace Referrals.Service.Tests.Tenancy;

[Trait("Tier", "Unit")]
public sealed class ShopRegistryRulesTests
{
    [Theory]
    [InlineData("dev-shop.myshopify.com", "dev-shop.myshopify.com")]
    [InlineData("  Dev-Shop.MyShopify.com ", "dev-shop.myshopify.com")]
    [InlineData("a.myshopify.com", "a.myshopify.com")]
    public void A_myshopify_domain_is_a_shop_domain_in_lower_case(string domain, string normalized)
    {
        ShopDomains.Normalize(domain).ShouldBe(normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("dev-shop.myshopify.com.evil.com")]
    [InlineData("evil.com")]
    [InlineData("dev-shop.myshopify.co")]
    [InlineData("dev-shop.example.com")]
    [InlineData("dev shop.myshopify.com")]
    [InlineData("dev-shop.myshopify.com\r\nX-Injected: 1")]
    [InlineData("dev-shop.myshopify.com'; drop table referrals.mt_doc_shop; --")]
    [InlineData("-dev-shop.myshopify.com")]
    [InlineData(".myshopify.com")]
    [InlineData("shop.dev-shop.myshopify.com")]
    public void Anything_else_is_no_shops_domain(string? domain)
    {
        ShopDomains.Normalize(domain).ShouldBeNull();
    }

    [Fact]
    public void A_domain_longer_than_a_dns_name_is_no_shops_domain()
    {
        ShopDomains.Normalize(new string('a', 300) + ".myshopify.com").ShouldBeNull();
    }

    [Fact]
    public void A_registration_needs_a_shop_id_and_a_myshopify_domain()
    {
        ShopRegistration.ProblemOf(Guid.NewGuid(), "new-shop.myshopify.com").ShouldBeNull();
        ShopRegistration.ProblemOf(Guid.Empty, "new-shop.myshopify.com").ShouldNotBeNull();
        ShopRegistration.ProblemOf(Guid.NewGuid(), "new-shop.com").ShouldNotBeNull();
        ShopRegistration.ProblemOf(Guid.NewGuid(), null).ShouldNotBeNull();
    }
}
