using System.Net;
using System.Text.Json;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Tiers;

[Collection(IntegrationTier.Name)]
public sealed class TierBonusTests(ReferralsApp app)
{
    private static readonly TimeSpan KafkaWait = TimeSpan.FromSeconds(20);

    // An old consumer's settings: snake_case, fields it does not know are skipped (System.Text.Json's default).
    private static readonly JsonSerializerOptions OldConsumerJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    [Fact]
    public async Task A_gold_assignment_after_two_conversions_records_the_bonus_on_each_once_however_often_and_in_whatever_order_it_arrives()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await ConvertedReferralAsync(referrerNumber: 701, buyerNumber: 702, ct);
        var second = await ConvertedReferralAsync(referrerNumber: 701, buyerNumber: 703, ct);
        var gold = Guid.NewGuid();
        var olderSilver = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var goldEvent = CampaignEvents.TierAssigned(gold, DevShops.Main, first.Referrer, "gold", now);

        await app.ProduceAsync(DevShops.Main.ToString(), goldEvent, goldEvent, goldEvent, goldEvent, goldEvent,
            CampaignEvents.TierAssigned(olderSilver, DevShops.Main, first.Referrer, "silver", now.AddHours(-1)));
        var stale = await app.ProcessedAsync(DevShops.Main, olderSilver, ct);
        var bonuses = KafkaReader.Read(app.KafkaBootstrap, "referral.completed",
            r => r.Payload.GetProperty("tier_id").ValueKind == JsonValueKind.String
                && (r.Payload.GetProperty("referral_id").GetGuid() == first.ReferralId || r.Payload.GetProperty("referral_id").GetGuid() == second.ReferralId),
            count: 3, TimeSpan.FromSeconds(5), ct);

        bonuses.Select(b => b.Payload.GetProperty("referral_id").GetGuid()).OrderBy(id => id)
            .ShouldBe(new[] { first.ReferralId, second.ReferralId }.OrderBy(id => id));
        bonuses.ShouldAllBe(b => b.Payload.GetProperty("tier_id").GetString() == "gold"
            && b.Payload.GetProperty("status").GetString() == "completed"
            && b.Payload.GetProperty("bonus_multiplier").GetDouble() == 1.5
            && b.Payload.GetProperty("bonus_points").GetInt32() == 100
            && b.Payload.GetProperty("schema_version").GetString() == "1.1.0"
            && b.Headers["schema_version"] == "1.1.0"
            && b.Key == DevShops.Main.ToString());
        (await app.ProcessedEventAsync(DevShops.Main, gold.ToString(), ct))!.Value.Outcome.ShouldBe("bonus_applied");
        stale!.Value.Outcome.ShouldBe("stale");
        (await app.TierOfAsync(DevShops.Main, first.Referrer, ct)).ShouldBe("gold");
        // Held (14 days on dev-shop): the bonus is recorded; only the end of the hold makes them rewarded.
        (await app.ReferralAsync(DevShops.Main, first.ReferralId, ct))!.Status.ShouldBe("completed");
        (await app.ReferralAsync(DevShops.Main, second.ReferralId, ct))!.Status.ShouldBe("completed");
    }

    [Fact]
    public async Task A_newer_assignment_replaces_the_tier_and_a_later_event_for_the_same_tier_rewards_nothing_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        var referral = await ConvertedReferralAsync(referrerNumber: 711, buyerNumber: 712, ct);
        var now = DateTimeOffset.UtcNow;
        var silver = Guid.NewGuid();
        var silverAgain = Guid.NewGuid();

        await app.ProduceAsync(DevShops.Main.ToString(), CampaignEvents.TierAssigned(silver, DevShops.Main, referral.Referrer, "silver", now));
        await app.ProcessedAsync(DevShops.Main, silver, ct);
        await app.ProduceAsync(DevShops.Main.ToString(), CampaignEvents.TierAssigned(silverAgain, DevShops.Main, referral.Referrer, "silver", now.AddMinutes(1)));
        var again = await app.ProcessedAsync(DevShops.Main, silverAgain, ct);
        var bonuses = app.EventsOf("referral.completed", referral.ReferralId, atMost: 3, TimeSpan.FromSeconds(5), ct)
            .Where(r => r.Payload.GetProperty("tier_id").ValueKind == JsonValueKind.String).ToList();

        bonuses.ShouldHaveSingleItem().Payload.GetProperty("tier_id").GetString().ShouldBe("silver");
        again!.Value.Outcome.ShouldBe("tier_assigned");
        (await app.TierOfAsync(DevShops.Main, referral.Referrer, ct)).ShouldBe("silver");
    }

    [Fact]
    public async Task A_conversion_by_a_tiered_referrer_carries_the_bonus_and_a_reader_of_the_previous_schema_still_reads_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var referrer = DevShops.Customer(DevShops.Main, 721);
        var platinum = Guid.NewGuid();
        await app.ProduceAsync(DevShops.Main.ToString(), CampaignEvents.TierAssigned(platinum, DevShops.Main, referrer, "platinum", DateTimeOffset.UtcNow));
        await app.ProcessedAsync(DevShops.Main, platinum, ct);

        var converted = await ConvertedReferralAsync(referrerNumber: 721, buyerNumber: 722, ct);
        var record = app.EventsOf("referral.completed", converted.ReferralId, atMost: 1, KafkaWait, ct).ShouldHaveSingleItem();
        var oldReader = JsonSerializer.Deserialize<ReferralCompletedV1_0>(record.Payload.GetRawText(), OldConsumerJson);

        record.Payload.GetProperty("status").GetString().ShouldBe("completed");
        record.Payload.GetProperty("tier_id").GetString().ShouldBe("platinum");
        record.Payload.GetProperty("bonus_multiplier").GetDouble().ShouldBe(2.0);
        record.Payload.GetProperty("bonus_points").GetInt32().ShouldBe(250);
        record.Payload.GetProperty("schema_version").GetString().ShouldBe("1.1.0");
        oldReader.ShouldNotBeNull();
        oldReader.ReferralId.ShouldBe(converted.ReferralId);
        oldReader.CustomerId.ShouldBe(referrer);
        oldReader.ShopId.ShouldBe(DevShops.Main);
        oldReader.Status.ShouldBe("completed");
        oldReader.Description.ShouldNotBeNullOrWhiteSpace();
        oldReader.EventId.ShouldNotBe(Guid.Empty);
        oldReader.CorrelationId.ShouldNotBeNullOrWhiteSpace();
    }

    /// <summary>What a consumer built against referral.completed 1.0.0 (the seed's payload) deserializes.</summary>
    private sealed record ReferralCompletedV1_0(Guid EventId, Guid CustomerId, Guid ShopId, Guid ReferralId, string Status, string Locale,
        string Description, string SchemaVersion, DateTimeOffset CreatedAt, string CorrelationId);

    private async Task<ConversionFlow.CreatedLink> ConvertedReferralAsync(long referrerNumber, long buyerNumber, CancellationToken ct)
    {
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber, ct);
        using var http = app.CreateHttpClient();
        (await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(buyerNumber, discountCode: link.LinkId), ct: ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status == "completed", KafkaWait, ct);
        return link;
    }
}
