using System.Globalization;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Replay;

/// <summary>referrals_dlq_size_total counts dead letters not yet reprocessed, from the ledger, across restarts.</summary>
public sealed class DeadLetterSizeTests(ReferralsApp app)
{
    private const string Metric = "referrals_dlq_size_total";

    [Fact]
    public async Task The_dead_letter_size_goes_up_as_events_are_parked_stays_right_after_a_restart_and_goes_down_as_they_are_reprocessed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        var before = await Eventually.ReturnsAsync(() => http.SampleAsync(Metric, ct), _ => true, TimeSpan.FromSeconds(10), ct);
        var hour = ReplayMessages.PrivateHour();
        var shop = DevShops.Other;

        await RawKafka.ProduceAsync(app.KafkaBootstrap, "referrals.dlq",
            [ReplayMessages.DeadLetter(shop, $"size-{Guid.NewGuid():N}", hour), ReplayMessages.DeadLetter(shop, $"size-{Guid.NewGuid():N}", hour.AddMinutes(1))], ct);
        var parked = await Eventually.ReturnsAsync(() => http.SampleAsync(Metric, ct), size => size >= before + 2, TimeSpan.FromSeconds(20), ct);
        await app.StopResourceAsync("referrals", ct);
        await app.StartResourceAsync("referrals", ct);
        var afterRestart = await Eventually.ReturnsAsync(() => http.SampleAsync(Metric, ct), size => size > 0, TimeSpan.FromSeconds(20), ct);
        var reprocess = await app.RunAsync(ct, "reprocess-dlq", "--shop", shop.ToString(), "--from", hour.ToString("O", CultureInfo.InvariantCulture),
            "--to", hour.AddHours(1).ToString("O", CultureInfo.InvariantCulture), "--apply");
        // After a restart the replay listener may wait for the old member's Kafka session to expire before it is given partitions.
        var reprocessed = await Eventually.ReturnsAsync(() => http.SampleAsync(Metric, ct), size => size <= before, TimeSpan.FromSeconds(60), ct);

        parked.ShouldBe(before + 2);
        afterRestart.ShouldBe(before + 2);
        reprocess.ExitCode.ShouldBe(0, reprocess.Errors);
        reprocessed.ShouldBe(before);
    }
}
