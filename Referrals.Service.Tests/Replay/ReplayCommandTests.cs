using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Operator;

namespace Referrals.Service.Tests.Replay;

/// <summary>`replay`: the events this service produced, re-emitted from its own records for a shop and a window, once per run.</summary>
[Collection(IntegrationTier.Name)]
public sealed class ReplayCommandTests(ReferralsApp app)
{
    [Fact]
    public async Task Replay_re_emits_the_shops_events_of_the_window_byte_for_byte_once_and_a_rerun_emits_nothing_more()
    {
        var ct = TestContext.Current.CancellationToken;
        var from = DateTimeOffset.UtcNow;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Other, referrerNumber: 331, ct);
        var invite = KafkaReader.Read(app.KafkaBootstrap, "referral.task",
            r => r.Payload.GetProperty("customer_id").GetGuid() == link.Referrer && !r.Headers.ContainsKey("replay_of"), 1,
            TimeSpan.FromSeconds(15), ct).ShouldHaveSingleItem();
        var eventId = invite.Payload.GetProperty("event_id").GetString()!;
        string[] filters = ["replay", "--shop", DevShops.Other.ToString(), "--event-type", "referral.task",
            "--from", from.ToString("O", CultureInfo.InvariantCulture), "--to", DateTimeOffset.UtcNow.AddSeconds(1).ToString("O", CultureInfo.InvariantCulture)];

        var dryRun = await app.RunAsync(ct, filters);
        var copiesAfterDryRun = Copies(eventId, TimeSpan.FromSeconds(2), ct);
        var apply = await app.RunAsync(ct, [.. filters, "--apply"]);
        var rerun = await app.RunAsync(ct, [.. filters, "--apply"]);
        var copies = Copies(eventId, TimeSpan.FromSeconds(5), ct);

        dryRun.ExitCode.ShouldBe(0, dryRun.Errors);
        dryRun.Output.ShouldContain("Dry run: nothing was sent.");
        copiesAfterDryRun.ShouldBeEmpty();
        apply.ExitCode.ShouldBe(0, apply.Errors);
        apply.Output.ShouldContain("Done: "); // the window may also hold a late event of an earlier test
        rerun.Output.ShouldContain("to emit: 0 ");
        var copy = copies.ShouldHaveSingleItem();
        copy.ValueText.ShouldBe(invite.Payload.GetRawText());
        copy.KeyText.ShouldBe(DevShops.Other.ToString());
        copy.Header("event_type").ShouldBe("referral.task");
        copy.Header("correlation_id").ShouldBe(invite.Headers["correlation_id"]);
    }

    [Fact]
    public async Task A_conversions_events_replayed_onto_the_replay_topic_come_from_the_ledger_and_none_becomes_a_dead_letter()
    {
        var ct = TestContext.Current.CancellationToken;
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Other, referrerNumber: 341, ct);
        using var http = app.CreateHttpClient();
        (await http.PostOrderAsync(ShopifyWebhooks.Other, ShopifyWebhooks.Order(342, discountCode: link.LinkId), ct: ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var completed = app.EventsOf("referral.completed", link.ReferralId, atMost: 1, TimeSpan.FromSeconds(20), ct).ShouldHaveSingleItem();
        var run = $"test-{Guid.NewGuid():N}";

        var replay = await app.RunAsync(ct, "replay", "--shop", DevShops.Other.ToString(), "--from", from.ToString("O", CultureInfo.InvariantCulture),
            "--to", DateTimeOffset.UtcNow.AddSeconds(1).ToString("O", CultureInfo.InvariantCulture), "--to-replay-topic", "--run", run, "--apply", "--rate", "0");
        var copies = RawKafka.Read(app.KafkaBootstrap, "referrals.replay", r => r.Header("replay_run") == run, 100, TimeSpan.FromSeconds(6), ct);
        // The service reads its own events back from referrals.replay: nothing to do, and nothing to park.
        var parked = RawKafka.Read(app.KafkaBootstrap, "referrals.dlq", r => r.Header("replay_run") == run, 1, TimeSpan.FromSeconds(6), ct);

        replay.ExitCode.ShouldBe(0, replay.Errors);
        var ofThisReferral = copies.Where(c => c.ValueText.Contains(link.ReferralId.ToString(), StringComparison.Ordinal)).ToList();
        ofThisReferral.Select(c => c.Header("event_type")).Order().ShouldBe(["cache.invalidate", "referral.completed"]);
        ofThisReferral.Single(c => c.Header("event_type") == "referral.completed").ValueText.ShouldBe(completed.Payload.GetRawText());
        copies.Select(c => c.Header("event_type")).ShouldContain("referral.task"); // the invite and the thank-you
        copies.Select(c => c.Header("replay_of")).ShouldBeUnique();
        parked.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_replay_interrupted_with_ctrl_c_and_run_again_emits_every_event_exactly_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        var referrers = new List<Guid>();
        for (var i = 0; i < 12; i++)
            referrers.Add((await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 351 + i, ct)).Referrer);
        var run = $"test-{Guid.NewGuid():N}";
        string[] args = ["replay", "--shop", DevShops.Main.ToString(), "--event-type", "referral.task", "--from", from.ToString("O", CultureInfo.InvariantCulture),
            "--to", DateTimeOffset.UtcNow.AddSeconds(1).ToString("O", CultureInfo.InvariantCulture), "--run", run, "--apply", "--rate", "3"];

        var interrupted = await app.InterruptAfterFirstSendAsync(ct, args);
        var rerun = await app.RunAsync(ct, [.. args[..^2], "--rate", "0"]);
        var copies = RawKafka.Read(app.KafkaBootstrap, "referral.task", r => r.Header("replay_run") == run, 100, TimeSpan.FromSeconds(6), ct);

        interrupted.ExitCode.ShouldBe(130, interrupted.Errors);
        interrupted.Output.ShouldContain("Interrupted:");
        rerun.ExitCode.ShouldBe(0, rerun.Errors);
        rerun.Output.ShouldContain("already emitted in this run: ");
        copies.Select(c => c.Header("replay_of")).ShouldBeUnique();
        var invited = copies.Select(c => JsonDocument.Parse(c.ValueText).RootElement.GetProperty("customer_id").GetGuid()).ToList();
        referrers.ShouldBeSubsetOf(invited);
    }

    [Fact]
    public async Task Replay_without_a_shop_is_refused()
    {
        var outcome = await app.RunAsync(TestContext.Current.CancellationToken, "replay", "--event-type", "referral.completed");

        outcome.ExitCode.ShouldBe(2);
        outcome.Errors.ShouldContain("--shop is required");
    }

    private List<RawRecord> Copies(string eventId, TimeSpan within, CancellationToken ct) =>
        [.. RawKafka.Read(app.KafkaBootstrap, "referral.task",
            r => r.Header("replay_of") is not null && r.ValueText.Contains(eventId, StringComparison.Ordinal), 2, within, ct)];
}
