using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Replay;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// Work that must happen once for the cluster runs on one instance: the scheduled cleanups, and the replay listener
/// whose pace is the cluster's.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class SingletonWorkTests(ReferralsApp app)
{
    private const string Running = "referrals_cluster_singleton_running";

    [Theory]
    [InlineData("expire-processed-events")]
    [InlineData("prune-published-events")]
    [InlineData("prune-translation-versions")]
    public async Task A_scheduled_cleanup_runs_on_exactly_one_of_the_two_instances(string job)
    {
        var ct = TestContext.Current.CancellationToken;
        using var first = app.CreateHttpClient();
        using var second = app.CreateSecondHttpClient();

        // The cluster's leader assigns the job a few seconds after a node joins (or after its node died).
        var running = await Eventually.ReturnsAsync(
            async () => (await first.SampleAsync(Running, ct, ("job", job)), await second.SampleAsync(Running, ct, ("job", job))),
            sample => sample.Item1 + sample.Item2 == 1, TimeSpan.FromSeconds(30), ct);
        var runner = running.Item1 == 1 ? first : second;
        var runs = await runner.SampleAsync("referrals_cluster_singleton_runs_total", ct, ("job", job));

        (running.Item1 + running.Item2).ShouldBe(1);
        running.Item1.ShouldBeOneOf(0, 1);
        runs.ShouldBeGreaterThanOrEqualTo(1); // it ran when it started there
    }

    [Fact]
    public async Task Replayed_events_spread_over_every_partition_are_paced_for_the_whole_cluster_not_per_instance()
    {
        var ct = TestContext.Current.CancellationToken;
        var shop = DevShops.Other;
        // Distinct keys: the records land on every partition of referrals.replay, so both instances would get some
        // were each one listening and pacing on its own.
        var records = Enumerable.Range(0, 300)
            .Select(_ => ReplayMessages.ConvertOrder(shop, $"replay-{Guid.NewGuid():N}") with
            {
                Key = System.Text.Encoding.UTF8.GetBytes(Guid.NewGuid().ToString()),
            })
            .ToList();
        var eventIds = records.Select(r => System.Text.Json.JsonDocument.Parse(r.Value).RootElement.GetProperty("webhook_id").GetString()!).ToList();

        await RawKafka.ProduceAsync(app.KafkaBootstrap, "referrals.replay", records, ct);
        var processed = await Eventually.ReturnsAsync(() => app.ProcessedAtAsync(shop, eventIds, ct),
            times => times.Count == eventIds.Count, TimeSpan.FromSeconds(40), ct);

        // 300 at 100/s take at least ~3 s in total; two instances pacing on their own would do it in half.
        (processed.Max() - processed.Min()).ShouldBeGreaterThan(TimeSpan.FromSeconds((eventIds.Count - 10) / 100.0 - 0.5));
    }
}
