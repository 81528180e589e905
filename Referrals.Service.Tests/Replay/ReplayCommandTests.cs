using System.Globalization;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Replay;

/// <summary>`replay`: the events this service produced, re-emitted for a shop and a window, once per run.</summary>
public sealed class ReplayCommandTests(ReferralsApp app)
{
    [Fact]
    public async Task Replay_re_emits_the_shops_events_of_the_window_byte_for_byte_once_and_a_rerun_emits_nothing_more()
    {
        var ct = TestContext.Current.CancellationToken;
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
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
        dryRun.Output.ShouldContain("1 event(s) match");
        copiesAfterDryRun.ShouldBeEmpty();
        apply.ExitCode.ShouldBe(0, apply.Errors);
        apply.Output.ShouldContain("sent 1/1");
        rerun.Output.ShouldContain("to emit: 0 ");
        var copy = copies.ShouldHaveSingleItem();
        copy.ValueText.ShouldBe(invite.Payload.GetRawText());
        copy.KeyText.ShouldBe(DevShops.Other.ToString());
        copy.Header("event_type").ShouldBe("referral.task");
        copy.Header("correlation_id").ShouldBe(invite.Headers["correlation_id"]);
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
