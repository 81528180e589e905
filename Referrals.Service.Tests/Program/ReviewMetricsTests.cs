using System.Net;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Program;

/// <summary>
/// The review queue's metrics on the stack: `referrals_reviews_pending` follows the held conversions (the same
/// cluster-wide count on both instances), and `referrals_review_decisions_total{outcome}` counts each decision once, by
/// who decided it. Customers 107700–107719, order ids from <see cref="ProgramFlow"/>.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class ReviewMetricsTests(ReferralsApp app)
{
    private static readonly Guid ShopId = ProgramFlow.Shop.Id;
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private const string Pending = "referrals_reviews_pending";
    private const string Decisions = "referrals_review_decisions_total";

    private static object ReviewReturningBuyers(int holdDays, string reviewTimeout = "approve") =>
        new { hold_days = holdDays, review_timeout = reviewTimeout, fraud = new { new_customers_only = "review" } };

    private async Task<Guid> HeldAsync(long advocate, long buyer, CancellationToken ct)
    {
        var link = await app.LinkOfAsync(advocate, ct);
        (await app.ConvertAsync(ProgramFlow.Order(buyer, link.LinkId, ordersCount: 3), ct)).ShouldBe("held_for_review");
        return link.ReferralId;
    }

    [Fact]
    public async Task Held_conversions_raise_the_pending_gauge_on_both_instances_and_each_merchant_decision_counts_once_and_lowers_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var settings = await app.ProgramSettingsAsync(ReviewReturningBuyers(holdDays: 1), ct);
        using var first = app.CreateHttpClient();
        using var second = app.CreateSecondHttpClient();
        var pending0 = await first.QuietSampleAsync(Pending, TimeSpan.FromSeconds(2.5), ct);
        var (approved0, rejected0) = (await app.ClusterSampleAsync(Decisions, ct, ("outcome", "approved")),
            await app.ClusterSampleAsync(Decisions, ct, ("outcome", "rejected")));

        var approve = await HeldAsync(107700, 107701, ct);
        var reject = await HeldAsync(107702, 107703, ct);
        var pending1 = await Eventually.ReturnsAsync(() => first.SampleAsync(Pending, ct), n => n == pending0 + 2, Within, ct);
        var pendingOnSecond = await Eventually.ReturnsAsync(() => second.SampleAsync(Pending, ct), n => n == pending0 + 2, Within, ct);
        using var admin = app.AdminClient(DevShops.AdminToken(ShopId));
        (await admin.PostAsync($"/shops/{ShopId}/reviews/{approve}/approve", null, ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.PostAsync($"/shops/{ShopId}/reviews/{reject}/reject", null, ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.PostAsync($"/shops/{ShopId}/reviews/{reject}/reject", null, ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var pending2 = await Eventually.ReturnsAsync(() => first.SampleAsync(Pending, ct), n => n == pending0, Within, ct);
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);

        (pending1, pendingOnSecond, pending2).ShouldBe((pending0 + 2, pending0 + 2, pending0));
        (await app.ClusterSampleAsync(Decisions, ct, ("outcome", "approved")) - approved0).ShouldBe(1);
        (await app.ClusterSampleAsync(Decisions, ct, ("outcome", "rejected")) - rejected0).ShouldBe(1);
    }

    [Fact]
    public async Task A_review_no_merchant_decided_by_its_hold_until_counts_one_timed_out_decision()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var settings = await app.ProgramSettingsAsync(ReviewReturningBuyers(holdDays: 0, reviewTimeout: "reject"), ct);
        var timedOut0 = await app.ClusterSampleAsync(Decisions, ct, ("outcome", "timed_out"));
        var rejected0 = await app.ClusterSampleAsync(Decisions, ct, ("outcome", "rejected"));

        var held = await HeldAsync(107704, 107705, ct);
        var decided = await app.ReferralOnceAsync(held, "failed", ct);
        await Eventually.ReturnsAsync(() => app.ClusterSampleAsync(Decisions, ct, ("outcome", "timed_out")), n => n > timedOut0, Within, ct);
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);

        decided.StatusReason.ShouldBe("review_rejected");
        (await app.ClusterSampleAsync(Decisions, ct, ("outcome", "timed_out")) - timedOut0).ShouldBe(1);
        (await app.ClusterSampleAsync(Decisions, ct, ("outcome", "rejected")) - rejected0).ShouldBe(0);
    }
}
