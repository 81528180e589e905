extern alias service;

using service::Referrals.Service.Tenancy;

namespace Referrals.Service.Tests.Tenancy;

[Trait("Tier", "Unit")]
public sealed class ShopTests
{
    private static readonly Shop AShop = new(Guid.NewGuid(), "a.myshopify.com", AllowTestOrders: false, Active: true, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData(90, 90)]
    [InlineData(120, 120)]
    [InlineData(180, 180)]
    [InlineData(30, 90)]
    [InlineData(365, 180)]
    public void The_audit_retention_class_is_the_shops_within_90_to_180_days(int configured, int applied)
    {
        var shop = AShop with { AuditRetentionDays = configured };

        Shop.AuditRetentionOf(shop).ShouldBe(applied);
    }

    [Fact]
    public void A_shop_the_registry_does_not_know_gets_the_shortest_retention_class()
    {
        Shop.AuditRetentionOf(null).ShouldBe(Shop.MinAuditRetentionDays);
        AShop.AuditRetentionDays.ShouldBe(90);
    }
}
