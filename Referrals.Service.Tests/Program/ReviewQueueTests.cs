using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Program;

/// <summary>
/// The review queue on the stack: conversions a `review` rule held are listed (paged), approved (completed, announced),
/// rejected (review_rejected), decided once (409 after), decided by the shop's timeout when the hold ends, and
/// rejected when their advocate is blocked.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class ReviewQueueTests(ReferralsApp app)
{
    private static readonly Guid ShopId = ProgramFlow.Shop.Id;

    // Every returning buyer is held for review; a day's hold keeps the timeout out of the way.
    private static object ReviewReturningBuyers(int holdDays = 1, string reviewTimeout = "approve") =>
        new { hold_days = holdDays, review_timeout = reviewTimeout, fraud = new { new_customers_only = "review" } };

    private async Task<ConversionFlow.CreatedLink> HeldAsync(long advocate, long buyer, CancellationToken ct)
    {
        var link = await app.LinkOfAsync(advocate, ct);
        (await app.ConvertAsync(ProgramFlow.Order(buyer, link.LinkId, ordersCount: 3), ct)).ShouldBe("held_for_review");
        return link;
    }

    private HttpClient Admin() => app.AdminClient(DevShops.AdminToken(ShopId));

    [Fact]
    public async Task The_queue_lists_held_conversions_page_by_page_in_a_stable_order_without_repeats()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var settings = await app.ProgramSettingsAsync(ReviewReturningBuyers(), ct);
        var held = new List<Guid>();
        for (var i = 0; i < 3; i++)
            held.Add((await HeldAsync(106660 + i, 106670 + i, ct)).ReferralId);
        using var merchant = app.AdminClient(DevShops.MerchantToken(ShopId));

        var listed = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await merchant.GetFromJsonAsync<JsonElement>($"/shops/{ShopId}/reviews?page_size=2{(token is null ? "" : $"&page_token={token}")}", ct);
            listed.AddRange(page.GetProperty("reviews").EnumerateArray());
            token = page.GetProperty("next_page_token").GetString();
            pages++;
        }
        while (token is not null && pages < 100);
        var tooLarge = await merchant.GetAsync($"/shops/{ShopId}/reviews?page_size=1000", ct);

        var ids = listed.Select(r => r.GetProperty("referral_id").GetGuid()).ToList();
        ids.Distinct().Count().ShouldBe(ids.Count);
        ids.Where(held.Contains).ShouldBe(held);
        var first = listed.Single(r => r.GetProperty("referral_id").GetGuid() == held[0]);
        first.GetProperty("reason").GetString().ShouldBe("under_review");
        first.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldBe(["not_new_customer"]);
        pages.ShouldBeGreaterThanOrEqualTo(2);
        tooLarge.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_approved_review_completes_and_is_announced_a_rejected_one_fails_and_a_second_decision_is_a_conflict()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var settings = await app.ProgramSettingsAsync(ReviewReturningBuyers(), ct);
        var approved = await HeldAsync(106675, 106676, ct);
        var rejected = await HeldAsync(106677, 106678, ct);
        using var admin = Admin();

        var approve = await admin.PostAsync($"/shops/{ShopId}/reviews/{approved.ReferralId}/approve", null, ct);
        var reject = await admin.PostAsync($"/shops/{ShopId}/reviews/{rejected.ReferralId}/reject", null, ct);
        var approveAgain = await admin.PostAsync($"/shops/{ShopId}/reviews/{approved.ReferralId}/approve", null, ct);
        var rejectApproved = await admin.PostAsync($"/shops/{ShopId}/reviews/{approved.ReferralId}/reject", null, ct);
        var unknown = await admin.PostAsync($"/shops/{ShopId}/reviews/{Guid.NewGuid()}/approve", null, ct);

        approve.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await approve.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("status").GetString().ShouldBe("completed");
        reject.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.ReferralAsync(ShopId, approved.ReferralId, ct))!.Status.ShouldBe("completed");
        (await app.ReferralAsync(ShopId, rejected.ReferralId, ct))!.ShouldBe(new Database.ReferralRow("failed", "review_rejected"));
        approveAgain.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        rejectApproved.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await rejectApproved.Content.ReadAsStringAsync(ct)).ShouldContain("not_under_review");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        app.EventsOf("referral.completed", approved.ReferralId, atMost: 1, TimeSpan.FromSeconds(20), ct).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Another_shops_merchant_and_a_read_only_merchant_cannot_decide_a_review()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var settings = await app.ProgramSettingsAsync(ReviewReturningBuyers(), ct);
        var held = await HeldAsync(106679, 106680, ct);
        using var otherShop = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        using var reader = app.AdminClient(DevShops.MerchantToken(ShopId));

        var asOtherShop = await otherShop.PostAsync($"/shops/{ShopId}/reviews/{held.ReferralId}/approve", null, ct);
        var throughOtherShop = await otherShop.PostAsync($"/shops/{DevShops.Main}/reviews/{held.ReferralId}/approve", null, ct);
        var asReader = await reader.PostAsync($"/shops/{ShopId}/reviews/{held.ReferralId}/reject", null, ct);

        asOtherShop.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        throughOtherShop.StatusCode.ShouldBe(HttpStatusCode.NotFound); // the other shop has no such referral
        asReader.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.ReferralAsync(ShopId, held.ReferralId, ct))!.Status.ShouldBe("in_progress");
    }

    [Theory]
    [InlineData("reject", 106681, "failed", "review_rejected")]
    [InlineData("approve", 106683, "completed", null)]
    public async Task A_review_nobody_decided_when_the_hold_ends_is_decided_by_the_shops_review_timeout(string timeout, long customers,
        string status, string? reason)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var settings = await app.ProgramSettingsAsync(ReviewReturningBuyers(holdDays: 0, reviewTimeout: timeout), ct);
        var link = await app.LinkOfAsync(customers, ct);

        var outcome = await app.ConvertAsync(ProgramFlow.Order(customers + 1, link.LinkId, ordersCount: 3), ct);
        var decided = await app.ReferralOnceAsync(link.ReferralId, status, ct);
        using var admin = Admin();
        var late = await admin.PostAsync($"/shops/{ShopId}/reviews/{link.ReferralId}/approve", null, ct);

        outcome.ShouldBe("held_for_review");
        decided.Status.ShouldBe(status);
        if (reason is not null)
            decided.StatusReason.ShouldBe(reason);
        late.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Blocking_an_advocate_rejects_their_pending_reviews_and_later_conversions_until_unblocked()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var settings = await app.ProgramSettingsAsync(ReviewReturningBuyers(), ct);
        const long advocate = 106685;
        var held = await HeldAsync(advocate, 106686, ct);
        var later = await app.LinkOfAsync(advocate, ct);
        var afterUnblock = await app.LinkOfAsync(advocate, ct);
        var customer = DevShops.Customer(ShopId, advocate);
        using var admin = Admin();

        var block = await admin.PostAsync($"/shops/{ShopId}/advocates/{customer}/block", null, ct);
        var whileBlocked = await app.ConvertAsync(ProgramFlow.Order(106687, later.LinkId), ct);
        var unblock = await admin.PostAsync($"/shops/{ShopId}/advocates/{customer}/unblock", null, ct);
        var unblocked = await app.ConvertAsync(ProgramFlow.Order(106688, afterUnblock.LinkId), ct);

        block.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await block.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("rejected_referrals").EnumerateArray()
            .Select(r => r.GetGuid()).ShouldBe([held.ReferralId]);
        (await app.ReferralAsync(ShopId, held.ReferralId, ct))!.ShouldBe(new Database.ReferralRow("failed", "advocate_blocked"));
        whileBlocked.ShouldBe("fraud_rejected");
        (await app.ReferralAsync(ShopId, later.ReferralId, ct))!.ShouldBe(new Database.ReferralRow("failed", "advocate_blocked"));
        unblock.StatusCode.ShouldBe(HttpStatusCode.OK);
        unblocked.ShouldBe("converted");
    }
}
