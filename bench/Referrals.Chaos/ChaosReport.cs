using System.Globalization;
using System.Text;

namespace Referrals.Chaos;

/// <summary>
/// The one table a run prints, and its verdict: it passes only when nothing was lost, nothing duplicated, and
/// every other check (answers, store rows, lag, dead letters) held.
/// </summary>
public sealed record ChaosReport(IReadOnlyList<(string Row, string Value)> Rows, Verification Verification, bool Quiet)
{
    public int Lost => Verification.Lost;

    public int Duplicated => Verification.Duplicated;

    public IReadOnlyList<string> Failures =>
        [.. Lost > 0 ? [$"lost {Lost}"] : Array.Empty<string>(), .. Duplicated > 0 ? [$"duplicated {Duplicated}"] : Array.Empty<string>(),
         .. Verification.OtherFailures()];

    public bool Passed => Failures.Count == 0;

    public static ChaosReport Of(ChaosOptions options, OrderMix mix, IReadOnlyList<ScheduledFault> schedule, IReadOnlyList<FaultWindow> windows,
        ShopifyDriver driver, Verification v, bool quiet)
    {
        var attempts = driver.Attempts.ToList();
        bool DuringFault(TimeSpan at) => windows.Any(w => w.Covers(at));
        var okDuringFaults = attempts.Where(a => a.Status == 200 && DuringFault(a.SentAt)).Select(a => a.Took).ToList();
        var okOtherwise = attempts.Where(a => a.Status == 200 && !DuringFault(a.SentAt)).Select(a => a.Took).ToList();
        var firstTries = attempts.GroupBy(a => a.WebhookId).ToDictionary(g => g.Key, g => g.Min(a => a.SentAt), StringComparer.Ordinal);
        var untilOk = driver.Answered.Where(a => firstTries.TryGetValue(a.Key, out var first) && DuringFault(first)).Select(a => a.Value).ToList();
        var refusals = attempts.Where(a => a.Status != 200).GroupBy(a => a.Status).OrderBy(g => g.Key)
            .Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString(CultureInfo.InvariantCulture))} ×{g.Count()}");
        var givenUp = driver.Unanswered.Values.GroupBy(s => s).OrderBy(g => g.Key)
            .Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString(CultureInfo.InvariantCulture))} ×{g.Count()}");
        var injected = windows.GroupBy(w => w.Kind).Select(g => $"{g.Key} ×{g.Count()}");
        var dl = v.DeadLetters;

        List<(string, string)> rows =
        [
            ("faults injected", windows.Count == 0 ? "none" : $"{windows.Count}/{schedule.Count}: {string.Join(", ", injected)}"),
            ("webhooks", $"{mix.Orders} orders, {mix.Deliveries.Count()} deliveries, {attempts.Count} tries; " +
                $"ids answered 200: {v.WebhooksAnswered}/{v.Webhooks}" + (driver.Unanswered.IsEmpty ? "" : $" (given up after {string.Join(", ", givenUp)})")),
            ("answers other than 200", refusals.Any() ? string.Join(", ", refusals) : "none"),
            ("conversions", $"expected {v.ExpectedConversions} · observed {v.ObservedConversions} (referral.completed) · " +
                $"completed in Postgres {v.ConvertedInPostgres}"),
            ("thank-you tasks", $"expected {v.ExpectedConversions} · observed {v.ThankYous}"),
            ("pairs (two orders, one link)", $"{v.Pairs} · converted once {v.PairsConvertedOnce}"),
            ("orders processed", $"{v.Webhooks - v.OrdersUnprocessed}/{v.Webhooks} (processed_events)"),
            ("tier events", $"{v.TierEvents} (+{v.TierDuplicatesSent} duplicates) · processed {v.TierEvents - v.TierEventsLost} · " +
                $"duplicate bonuses {v.DuplicatedRewards}"),
            ("qualifications scheduled (hold)", $"held {v.Held} · scheduled {v.QualificationsScheduled} · missing {v.QualificationsMissing} · " +
                $"doubled {v.QualificationsDoubled}"),
            ("message store rows left", $"inbox {v.RowsLeft.Inbox.Count} · outbox {v.RowsLeft.Outbox.Count} · dead letters {v.RowsLeft.DeadLetters.Count}"),
            ("records the broker dropped unread", v.DroppedByBroker.Count == 0 ? "0" : string.Join(", ", v.DroppedByBroker.Select(d => $"{d.Key} {d.Value}"))),
            ("consumer lag", v.ConsumerLag.Values.Sum() == 0 ? "0" : string.Join(", ", v.ConsumerLag.Select(l => $"{l.Key} {l.Value}"))),
            ("dead letters (run)", $"{dl.Parked}: orders {dl.Orders}, tier events {dl.TierEvents}, unaccounted {dl.Unaccounted.Count}; " +
                $"not in ledger {dl.NotInLedger}"),
            ("webhook 200, during faults", Describe(okDuringFaults)),
            ("webhook 200, outside faults", Describe(okOtherwise)),
            ("first try → 200, sent during faults", Describe(untilOk)),
            ("quiet after the run", quiet ? "yes" : $"no, within {options.QuietTimeout.TotalSeconds:0} s"),
            ("LOST", $"{v.Lost} (conversions {v.LostConversions}, thank-yous {v.LostThankYous}, orders {v.OrdersUnprocessed}, tier events {v.TierEventsLost}, qualifications {v.QualificationsMissing})"),
            ("DUPLICATED", $"{v.Duplicated} (conversions {v.DuplicatedConversions}, thank-yous {v.DuplicatedThankYous}, bonuses {v.DuplicatedRewards}, qualifications {v.QualificationsDoubled})"),
        ];
        var report = new ChaosReport(rows, v, quiet);
        rows.Add(("verdict", report.Passed ? "PASS" : "FAIL: " + string.Join("; ", report.Failures)));
        return report;
    }

    public override string ToString()
    {
        var width = Rows.Max(r => r.Row.Length);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| {"".PadRight(width)} | chaos run |");
        text.AppendLine(CultureInfo.InvariantCulture, $"|{new string('-', width + 2)}|-----------|");
        foreach (var (row, value) in Rows)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.PadRight(width)} | {value} |");
        return text.ToString();
    }

    private static string Describe(List<TimeSpan> samples)
    {
        if (samples.Count == 0)
            return "no samples";
        var sorted = samples.Select(s => s.TotalMilliseconds).Order().ToArray();
        string At(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)].ToString("0", CultureInfo.InvariantCulture);
        return $"p50 {At(0.50)} ms · p99 {At(0.99)} ms · max {sorted[^1].ToString("0", CultureInfo.InvariantCulture)} ms ({samples.Count})";
    }
}
