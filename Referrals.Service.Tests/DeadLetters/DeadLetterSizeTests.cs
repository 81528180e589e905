using System.Globalization;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Operator;

namespace Referrals.Service.Tests.DeadLetters;

/// <summary>
/// referrals_dlq_size_total counts dead letters not yet reprocessed, from the ledger, across restarts. Compared with
/// the ledger at the same moment, so dead letters other tests leave behind cannot make it flaky.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class DeadLetterSizeTests(ReferralsApp app)
{
    private const string Metric = "referrals_dlq_size_total";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_dead_letter_size_goes_up_as_events_are_parked_stays_right_after_a_restart_and_goes_down_as_they_are_reprocessed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        var hour = DeadLetterRecords.PrivateHour();
        var shop = DevShops.Other;
        string[] ours = [$"size-{Guid.NewGuid():N}", $"size-{Guid.NewGuid():N}"];

        await RawKafka.ProduceAsync(app.KafkaBootstrap, "referrals.dlq",
            [DeadLetterRecords.DeadLetter(shop, ours[0], hour), DeadLetterRecords.DeadLetter(shop, ours[1], hour.AddMinutes(1))], ct);
        var parked = await Eventually.ReturnsAsync(() => SizeAndLedgerAsync(http, ours, ct),
            s => s.OursWaiting == 2 && s.Metric == s.Ledger, Within, ct);
        await app.StopResourceAsync("referrals", ct);
        await app.StartResourceAsync("referrals", ct);
        var afterRestart = await Eventually.ReturnsAsync(() => SizeAndLedgerAsync(http, ours, ct),
            s => s.Metric == s.Ledger, Within, ct);
        var reprocess = await app.RunAsync(ct, "reprocess-dlq", "--shop", shop.ToString(), "--from", hour.ToString("O", CultureInfo.InvariantCulture),
            "--to", hour.AddHours(1).ToString("O", CultureInfo.InvariantCulture), "--apply");
        // After a restart the replay listener may wait for the old member's Kafka session to expire before it is given partitions.
        var reprocessed = await Eventually.ReturnsAsync(() => SizeAndLedgerAsync(http, ours, ct),
            s => s.OursWaiting == 0 && s.Metric == s.Ledger, TimeSpan.FromSeconds(60), ct);

        parked.OursWaiting.ShouldBe(2);
        parked.Metric.ShouldBe(parked.Ledger);
        afterRestart.Metric.ShouldBe(afterRestart.Ledger);
        afterRestart.OursWaiting.ShouldBe(2); // so the ledger count, and the metric, are at least 2: not a counter reset to 0
        reprocess.ExitCode.ShouldBe(0, reprocess.Errors);
        reprocessed.OursWaiting.ShouldBe(0);
        reprocessed.Metric.ShouldBe(reprocessed.Ledger);
    }

    private sealed record Size(double Metric, long Ledger, long OursWaiting);

    /// <summary>The metric, the ledger's count of dead letters not reprocessed, and how many of <paramref name="ours"/> are among them.</summary>
    private async Task<Size> SizeAndLedgerAsync(HttpClient http, string[] ours, CancellationToken ct)
    {
        var metric = await http.SampleAsync(Metric, ct);
        var (ledger, oursWaiting) = await app.WaitingDeadLettersAsync(ours, ct);
        return new Size(metric, ledger, oursWaiting);
    }
}
