using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Tiers;

[Collection(IntegrationTier.Name)]
public sealed class BadTierEventTests(ReferralsApp app)
{
    [Theory]
    [InlineData("malformed_payload")]
    [InlineData("missing_fields")]
    [InlineData("unknown_shop")]
    [InlineData("unknown_tier")]
    public async Task A_bad_vip_tier_event_is_counted_and_parked_with_its_reason_while_the_next_event_on_its_partition_is_processed(string errorType)
    {
        var ct = TestContext.Current.CancellationToken;
        var marker = Guid.NewGuid();
        var customer = DevShops.Customer(DevShops.Main, 731);
        var bad = errorType switch
        {
            "malformed_payload" => $"{{\"event_id\": \"{marker}\", \"tier_id\": \"gold\", ",
            "missing_fields" => $"{{\"event_id\": \"{marker}\", \"shop_id\": \"{DevShops.Main}\", \"tier_id\": \"gold\"}}",
            "unknown_shop" => CampaignEvents.TierAssigned(marker, Guid.NewGuid(), customer, "gold", DateTimeOffset.UtcNow),
            _ => CampaignEvents.TierAssigned(marker, DevShops.Main, customer, "diamond", DateTimeOffset.UtcNow),
        };
        var next = Guid.NewGuid();
        var countedBefore = await app.ClusterSampleAsync("referrals_errors_total", ct, ("error_type", errorType));
        // The listener logs the rejected event before it parks it.
        using var expected = app.ExpectErrorLogs("Referrals.Service.Features.Tiers.RejectedTierEventException: ");

        await app.ProduceAsync(DevShops.Main.ToString(), bad,
            CampaignEvents.TierAssigned(next, DevShops.Main, customer, "bronze", DateTimeOffset.UtcNow));
        var processedNext = await app.ProcessedAsync(DevShops.Main, next, ct);
        var parked = app.DeadLetters(value => value.Contains(marker.ToString(), StringComparison.Ordinal), count: 1, TimeSpan.FromSeconds(15), ct);
        var countedAfter = await Eventually.ReturnsAsync(() => app.ClusterSampleAsync("referrals_errors_total", ct, ("error_type", errorType)),
            counted => counted > countedBefore, TimeSpan.FromSeconds(10), ct);

        var (value, headers) = parked.ShouldHaveSingleItem();
        value.ShouldBe(bad); // the exact bytes Campaign produced, replayable as they were
        headers["dlq_reason"].ShouldBe(errorType);
        headers["dlq_error_message"].ShouldNotBeNullOrWhiteSpace();
        headers["original_topic"].ShouldBe("vip_tier.assigned");
        countedAfter.ShouldBe(countedBefore + 1);
        processedNext!.Value.State.ShouldBe("processed");
        (await app.ProcessedEventAsync(DevShops.Main, marker.ToString(), ct)).ShouldBeNull();
    }
}
