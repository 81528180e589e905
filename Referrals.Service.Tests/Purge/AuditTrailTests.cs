using System.Net;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Purge;

[Collection(IntegrationTier.Name)]
public sealed class AuditTrailTests(ReferralsApp app)
{
    [Fact]
    public async Task Every_status_change_of_a_referral_is_recorded_with_its_reason_and_correlation_id_and_no_pii()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 801, ct);
        using var http = app.CreateHttpClient();
        var correlationId = $"audit-{Guid.NewGuid():N}";
        using var request = ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Main, ShopifyWebhooks.Order(802, discountCode: link.LinkId, orderId: 4_242_424), Guid.NewGuid().ToString());
        request.Headers.Add("x-correlation-id", correlationId);

        (await http.SendAsync(request, ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var trail = await Eventually.ReturnsAsync(() => app.AuditTrailAsync(link.ReferralId, ct), entries => entries.Count >= 2, TimeSpan.FromSeconds(20), ct);

        trail.Count.ShouldBe(2);
        trail[0].ShouldBe(new ShopData.AuditEntry(link.ReferralId, null, "pending", null, trail[0].CorrelationId));
        trail[0].CorrelationId.ShouldNotBeNullOrWhiteSpace();
        // A conversion has no reason code; its order is the referral's own order_id now, not a reason text.
        trail[1].ShouldBe(new ShopData.AuditEntry(link.ReferralId, "pending", "completed", null, correlationId));
        string.Join(" ", trail).ShouldNotContain("@"); // ids and statuses only
    }
}
