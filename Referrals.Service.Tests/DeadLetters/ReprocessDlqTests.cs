using System.Diagnostics;
using System.Globalization;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Operator;

namespace Referrals.Service.Tests.DeadLetters;

/// <summary>`reprocess-dlq`: dead letters back through the service, exactly once, only those asked for.</summary>
[Collection(IntegrationTier.Name)]
public sealed class ReprocessDlqTests(ReferralsApp app)
{
    [Fact]
    public async Task An_order_dead_lettered_while_Core_failed_is_converted_exactly_once_by_reprocess_dlq_apply_and_a_second_run_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var from = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O", CultureInfo.InvariantCulture);
        // Other tests park synthetic dead letters in private hours from 2030 on: the window must end before them.
        var to = DateTimeOffset.UtcNow.AddMinutes(10).ToString("O", CultureInfo.InvariantCulture);
        var parked = await app.DeadLetterAnOrderAsync(ShopifyWebhooks.Main, referrerNumber: 311, ct);
        var dlqId = parked.DeadLetter.Header("dlq_id")!;

        // Only orders: the test before may have parked the same shop's bad tier events within that second.
        var first = await app.RunAsync(ct, "reprocess-dlq", "--shop", parked.Link.ShopId.ToString(), "--event-type", "order.created",
            "--from", from, "--to", to, "--apply");
        await Eventually.ReturnsAsync(() => app.ReferralAsync(parked.Link.ShopId, parked.Link.ReferralId, ct),
            referral => referral?.Status == "completed", TimeSpan.FromSeconds(20), ct);
        await Eventually.ReturnsAsync(() => app.DeadLetterAsync(dlqId, ct), row => row?.ReprocessedAt is not null, TimeSpan.FromSeconds(10), ct);
        var second = await app.RunAsync(ct, "reprocess-dlq", "--shop", parked.Link.ShopId.ToString(), "--event-type", "order.created",
            "--from", from, "--to", to, "--apply");
        var completed = app.EventsOf("referral.completed", parked.Link.ReferralId, atMost: 2, TimeSpan.FromSeconds(5), ct);
        var replayed = RawKafka.Read(app.KafkaBootstrap, "referrals.replay", r => r.Header("dlq_id") == dlqId, 2, TimeSpan.FromSeconds(3), ct);

        first.ExitCode.ShouldBe(0, first.Errors);
        first.Output.ShouldContain("to reprocess: 1 ");
        first.Output.ShouldContain("sent 1/1");
        second.ExitCode.ShouldBe(0, second.Errors);
        second.Output.ShouldContain("to reprocess: 0 ");
        second.Output.ShouldContain("already reprocessed: 1 ");
        completed.Count.ShouldBe(1);
        var sent = replayed.ShouldHaveSingleItem();
        sent.Value.ShouldBe(parked.DeadLetter.Value); // byte for byte
        sent.Key.ShouldBe(parked.DeadLetter.Key);
        sent.Header("x-shopify-webhook-id").ShouldBe(parked.WebhookId);
        sent.Header("dlq_reprocessings").ShouldBe("1");
        (await app.ProcessedEventAsync(parked.Link.ShopId, parked.WebhookId, ct))!.Value.Outcome.ShouldBe("converted");
    }

    [Fact]
    public async Task Filters_select_exactly_the_dead_letters_of_the_shop_type_and_window_and_the_dry_run_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var hour = DeadLetterRecords.PrivateHour();
        var wanted = $"filter-{Guid.NewGuid():N}";
        var otherShop = $"filter-{Guid.NewGuid():N}";
        var otherType = $"filter-{Guid.NewGuid():N}";
        var before = $"filter-{Guid.NewGuid():N}";
        var atTheEnd = $"filter-{Guid.NewGuid():N}";
        await RawKafka.ProduceAsync(app.KafkaBootstrap, "referrals.dlq",
        [
            DeadLetterRecords.DeadLetter(DevShops.Main, wanted, hour.AddMinutes(10)),
            DeadLetterRecords.DeadLetter(DevShops.Other, otherShop, hour.AddMinutes(10)),
            DeadLetterRecords.DeadLetter(DevShops.Main, otherType, hour.AddMinutes(10), eventType: "referral.task"),
            DeadLetterRecords.DeadLetter(DevShops.Main, before, hour.AddMinutes(-1)),
            DeadLetterRecords.DeadLetter(DevShops.Main, atTheEnd, hour.AddHours(1)),
        ], ct);

        var dryRun = await app.RunAsync(ct, "reprocess-dlq", "--shop", DevShops.Main.ToString(), "--event-type", "order.created",
            "--from", hour.ToString("O", CultureInfo.InvariantCulture), "--to", hour.AddHours(1).ToString("O", CultureInfo.InvariantCulture));
        var replayed = RawKafka.Read(app.KafkaBootstrap, "referrals.replay",
            r => r.Header("dlq_id")?.StartsWith("filter-", StringComparison.Ordinal) == true, 1, TimeSpan.FromSeconds(3), ct);

        dryRun.ExitCode.ShouldBe(0, dryRun.Errors);
        dryRun.Output.ShouldContain(" 1 match ");
        dryRun.Output.ShouldContain($"shop {DevShops.Main}  order.created");
        dryRun.Output.ShouldContain($"sample: {wanted} ");
        dryRun.Output.ShouldNotContain(otherShop);
        dryRun.Output.ShouldNotContain(otherType);
        dryRun.Output.ShouldNotContain(before);
        dryRun.Output.ShouldNotContain(atTheEnd);
        dryRun.Output.ShouldContain("Dry run: nothing was sent.");
        replayed.ShouldBeEmpty();
        (await app.DeadLetterAsync(wanted, ct))!.Value.SentOffset.ShouldBeNull();
    }

    [Theory]
    [InlineData("--event-type", "order.exploded", "not a known event type")]
    [InlineData("--shop", "not-a-uuid", "is not a UUID")]
    [InlineData("--from", "yesterday-ish", "is not a date and time")]
    public async Task A_bad_filter_is_refused_with_a_clear_error_and_a_non_zero_exit(string option, string value, string error)
    {
        var outcome = await app.RunAsync(TestContext.Current.CancellationToken, "reprocess-dlq", option, value, "--apply");

        outcome.ExitCode.ShouldBe(2);
        outcome.Errors.ShouldContain(error);
        outcome.Output.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_window_that_ends_before_it_starts_is_refused()
    {
        var outcome = await app.RunAsync(TestContext.Current.CancellationToken, "reprocess-dlq",
            "--from", "2026-11-25T12:00:00Z", "--to", "2026-11-25T11:00:00Z");

        outcome.ExitCode.ShouldBe(2);
        outcome.Errors.ShouldContain("--from (2026-11-25T12:00:00.0000000+00:00) must be before --to");
    }

    [Fact]
    public async Task An_apply_interrupted_with_ctrl_c_and_run_again_sends_every_dead_letter_exactly_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var hour = DeadLetterRecords.PrivateHour();
        var ids = Enumerable.Range(0, 12).Select(_ => $"resume-{Guid.NewGuid():N}").ToList();
        await RawKafka.ProduceAsync(app.KafkaBootstrap, "referrals.dlq",
            ids.Select((id, i) => DeadLetterRecords.DeadLetter(DevShops.Main, id, hour.AddSeconds(i))), ct);
        string[] args = ["reprocess-dlq", "--shop", DevShops.Main.ToString(), "--from", hour.ToString("O", CultureInfo.InvariantCulture),
            "--to", hour.AddHours(1).ToString("O", CultureInfo.InvariantCulture), "--apply", "--rate", "3"];

        var interrupted = await app.InterruptAfterFirstSendAsync(ct, args);
        var rerun = await app.RunAsync(ct, [.. args[..^2], "--rate", "0"]);
        var replayed = RawKafka.Read(app.KafkaBootstrap, "referrals.replay",
            r => r.Header("dlq_id")?.StartsWith("resume-", StringComparison.Ordinal) == true && ids.Contains(r.Header("dlq_id")!),
            ids.Count + 1, TimeSpan.FromSeconds(8), ct);

        interrupted.ExitCode.ShouldBe(130, interrupted.Errors);
        interrupted.Output.ShouldContain("Interrupted:");
        rerun.ExitCode.ShouldBe(0, rerun.Errors);
        replayed.Select(r => r.Header("dlq_id")).OrderBy(id => id).ShouldBe(ids.OrderBy(id => id)); // each once
    }

    [Fact]
    public async Task A_dead_letter_that_failed_three_reprocessings_stays_parked_and_is_reported()
    {
        var ct = TestContext.Current.CancellationToken;
        var hour = DeadLetterRecords.PrivateHour();
        var id = $"parked-{Guid.NewGuid():N}";
        var thirdFailure = DeadLetterRecords.DeadLetter(DevShops.Main, id, hour.AddMinutes(5));
        await RawKafka.ProduceAsync(app.KafkaBootstrap, "referrals.dlq",
            [thirdFailure with { Headers = [.. thirdFailure.Headers, ("dlq_reprocessings", "3"u8.ToArray())] }], ct);

        var outcome = await app.RunAsync(ct, "reprocess-dlq", "--from", hour.ToString("O", CultureInfo.InvariantCulture),
            "--to", hour.AddHours(1).ToString("O", CultureInfo.InvariantCulture), "--apply");
        var replayed = RawKafka.Read(app.KafkaBootstrap, "referrals.replay", r => r.Header("dlq_id") == id, 1, TimeSpan.FromSeconds(3), ct);

        outcome.ExitCode.ShouldBe(0, outcome.Errors);
        outcome.Output.ShouldContain("parked after 3 failed reprocessings: 1");
        outcome.Output.ShouldContain($"stays parked: {id} ");
        replayed.ShouldBeEmpty();
    }
}
