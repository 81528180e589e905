using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.DeadLetters;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Replay;

/// <summary>referrals.replay is processed by the same handlers as live traffic, with every idempotency guard.</summary>
[Collection(IntegrationTier.Name)]
public sealed class ReplayTopicTests(ReferralsApp app)
{
    [Fact]
    public async Task A_dead_lettered_order_moved_onto_the_replay_topic_as_it_is_converts_once_even_when_moved_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        var parked = await app.DeadLetterAnOrderAsync(ShopifyWebhooks.Main, referrerNumber: 301, ct);

        await RawKafka.ProduceAsync(app.KafkaBootstrap, "referrals.replay", [parked.DeadLetter], ct);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(parked.Link.ShopId, parked.Link.ReferralId, ct),
            referral => referral?.Status == "completed", TimeSpan.FromSeconds(20), ct);
        await RawKafka.ProduceAsync(app.KafkaBootstrap, "referrals.replay", [parked.DeadLetter], ct);
        var completed = app.EventsOf("referral.completed", parked.Link.ReferralId, atMost: 2, TimeSpan.FromSeconds(8), ct);

        completed.Count.ShouldBe(1);
        (await app.ProcessedEventAsync(parked.Link.ShopId, parked.WebhookId, ct))!.Value.Outcome.ShouldBe("converted");
    }

    [Fact]
    public async Task A_poison_payload_goes_straight_to_the_dead_letter_topic_and_the_next_message_of_its_partition_is_processed()
    {
        var ct = TestContext.Current.CancellationToken;
        var parked = await app.DeadLetterAnOrderAsync(ShopifyWebhooks.Main, referrerNumber: 303, ct);
        var poisonId = Guid.NewGuid().ToString();
        var poison = parked.DeadLetter with
        {
            // JSON, so that every reader of referrals.dlq can still parse it, but not a ConvertOrder Wolverine can bind.
            Value = "{\"shop_id\":\"not-a-uuid\",\"order_id\":\"nine\"}"u8.ToArray(),
            // Wolverine's own headers say it is a ConvertOrder; it has never failed before.
            Headers = [.. parked.DeadLetter.Headers.Where(h => h.Name != "id" && !h.Name.StartsWith("dlq_", StringComparison.Ordinal)),
                ("id", System.Text.Encoding.UTF8.GetBytes(poisonId))],
        };
        // Wolverine cannot bind the poison and logs it as it moves it to the dead-letter topic.
        using var expected = app.ExpectErrorLogs(
            "JsonException: The JSON value could not be converted to Referrals.Service.Features.Conversions.ConvertOrder");

        await RawKafka.ProduceAsync(app.KafkaBootstrap, "referrals.replay", [poison, parked.DeadLetter], ct);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(parked.Link.ShopId, parked.Link.ReferralId, ct),
            referral => referral?.Status == "completed", TimeSpan.FromSeconds(20), ct);
        var parkedPoison = RawKafka.Read(app.KafkaBootstrap, "referrals.dlq", r => r.Header("id") == poisonId, 2, TimeSpan.FromSeconds(8), ct);

        var deadLetter = parkedPoison.ShouldHaveSingleItem(); // once: no retries
        deadLetter.ValueText.ShouldBe("{\"shop_id\":\"not-a-uuid\",\"order_id\":\"nine\"}");
        deadLetter.KeyText.ShouldBe(parked.Link.ShopId.ToString());
        deadLetter.Header("exception-type").ShouldNotBeNull();
        deadLetter.Header("dlq_error_type").ShouldBeNull(); // never reached a handler
    }

    [Fact]
    public async Task A_thousand_events_on_the_replay_topic_are_all_processed_no_faster_than_the_configured_rate_and_duplicates_change_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Other, referrerNumber: 321, ct);
        var shop = DevShops.Other;
        var orders = Enumerable.Range(0, 894).Select(_ => ReplayMessages.ConvertOrder(shop, $"replay-{Guid.NewGuid():N}")).ToList();
        var conversionId = $"replay-{Guid.NewGuid():N}";
        // Redeliveries of events already on the topic: 100 plain orders and 6 of the one conversion.
        var records = orders.Concat([ReplayMessages.ConvertOrder(shop, conversionId, link.LinkId)])
            .Concat(orders.Take(100).Select(o => o with { Headers = [.. o.Headers.Where(h => h.Name != "id"), ("id", System.Text.Encoding.UTF8.GetBytes(Guid.NewGuid().ToString()))] }))
            .Concat(Enumerable.Range(0, 5).Select(_ => ReplayMessages.ConvertOrder(shop, conversionId, link.LinkId)))
            .ToList();
        var eventIds = orders.Select(o => System.Text.Json.JsonDocument.Parse(o.Value).RootElement.GetProperty("webhook_id").GetString()!)
            .Append(conversionId).ToList();
        records.Count.ShouldBe(1000);

        await RawKafka.ProduceAsync(app.KafkaBootstrap, "referrals.replay", records, ct);
        var processed = await Eventually.ReturnsAsync(() => app.ProcessedAtAsync(shop, eventIds, ct),
            times => times.Count == eventIds.Count, TimeSpan.FromSeconds(40), ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // the last redeliveries, paced too, are handled
        var completed = app.EventsOf("referral.completed", link.ReferralId, atMost: 2, TimeSpan.FromSeconds(5), ct);

        // 1,000 deliveries at 100/s take at least ~10 s; allow the first 100 ms of tokens as a burst.
        var span = processed.Max() - processed.Min();
        span.ShouldBeGreaterThan(TimeSpan.FromSeconds((eventIds.Count - 10) / 100.0 - 0.5));
        completed.Count.ShouldBe(1);
        (await app.ReferralAsync(link.ShopId, link.ReferralId, ct))!.Status.ShouldBe("completed");
    }
}
