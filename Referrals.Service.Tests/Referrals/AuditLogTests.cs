using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Referrals;

/// <summary>Every status change reaches AdminCore on `audit_log`, through the outbox, with the shop's retention class.</summary>
[Collection(IntegrationTier.Name)]
public sealed class AuditLogTests(ReferralsApp app)
{
    [Fact]
    public async Task A_conversion_puts_its_status_change_on_audit_log_keyed_by_shop_without_PII()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 41, ct);
        using var http = app.CreateHttpClient();

        var accepted = await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(shopifyCustomer: 42, discountCode: link.LinkId), ct: ct);
        var audited = app.EventsOf("audit_log", link.ReferralId, atMost: 3, TimeSpan.FromSeconds(10), ct);

        accepted.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        audited.Select(r => r.Payload.GetProperty("to_status").GetString()).ShouldBe(["pending", "completed"]);
        var conversion = audited[^1];
        conversion.Key.ShouldBe(link.ShopId.ToString());
        conversion.Headers["event_type"].ShouldBe("audit_log");
        conversion.Payload.GetProperty("action").GetString().ShouldBe("status_changed");
        conversion.Payload.GetProperty("from_status").GetString().ShouldBe("pending");
        conversion.Payload.GetProperty("entity_id").GetGuid().ShouldBe(link.ReferralId);
        conversion.Payload.GetProperty("retention_days").GetInt32().ShouldBe(90);
        conversion.Payload.ToString().ShouldNotContain(link.Referrer.ToString()); // ids of the referral, not of people
        conversion.Payload.ToString().ShouldNotContain("@");
    }
}
