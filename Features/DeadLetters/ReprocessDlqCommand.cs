using System.CommandLine;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Marten;
using Referrals.Service.Messaging;
using Referrals.Service.Operator;

namespace Referrals.Service.Features.DeadLetters;

/// <summary>
/// `reprocess-dlq` (the seed's reprocess_dlq.py): puts dead letters back on referrals.replay, byte for byte with
/// their key and headers, where the service processes them again through its usual handlers. A dry run by
/// default (what matches, by shop and type, and a sample); <c>--apply</c> sends at <c>--rate</c> per second.
/// Resumable: each dead letter sent is noted in the ledger (SentOffset) once Kafka acknowledged it, and a rerun
/// skips it; Ctrl+C stops taking new ones (<see cref="PacedSends"/>). A dead letter that failed 3 reprocessings stays parked.
/// </summary>
public static class ReprocessDlqCommand
{
    public const string Name = "reprocess-dlq";

    /// <summary>Event types a dead letter can have (its event_type header); "unknown" for a record without one.</summary>
    public static readonly IReadOnlyCollection<string> KnownEventTypes =
        ["order.created", "referral.completed", "referral.task", "cache.invalidate", "vip_tier.assigned", DeadLetterRecord.UnknownEventType];

    private const int SampleSize = 5;

    public static Command Create()
    {
        var options = new OperatorOptions();
        var command = new Command(Name, "Move dead letters from referrals.dlq to referrals.replay (dry run unless --apply).");
        options.AddTo(command);
        command.SetAction((result, ct) => RunAsync(options.Read(result, KnownEventTypes), ct));
        return command;
    }

    private static async Task<int> RunAsync(OperatorRequest? request, CancellationToken ct)
    {
        if (request is null)
            return 2;
        var connections = OperatorConnections.FromEnvironment();
        using var store = connections.OpenStore(DeadLettersModule.Schema);

        var latest = new Dictionary<string, (DeadLetterRecord Record, ConsumeResult<byte[]?, byte[]?> Raw)>();
        foreach (var raw in TopicSnapshot.Read(connections, Topics.DeadLetters, ct))
        {
            var record = DeadLetterRecord.From(raw);
            if (!latest.TryGetValue(record.Id, out var seen) || seen.Record.Offset < record.Offset)
                latest[record.Id] = (record, raw);
        }

        var matching = new List<(DeadLetterRecord Record, ConsumeResult<byte[]?, byte[]?> Raw, DeadLetter Ledger)>();
        foreach (var (record, raw) in latest.Values.Where(m => request.Filter.Matches(m.Record.ShopId, m.Record.EventType, m.Record.FailedAt))
                     .OrderBy(m => m.Record.FailedAt))
        {
            // The ledger also learns here of anything the service has not recorded yet.
            matching.Add((record, raw, await DeadLetterLedger.RecordAsync(store, record, ct)));
        }

        var reprocessed = matching.Where(m => m.Ledger.ReprocessedAt is not null).ToList();
        var gaveUp = matching.Where(m => m.Ledger.ReprocessedAt is null && m.Record.Reprocessings >= DeadLetter.MaxReprocessings).ToList();
        var sent = matching.Where(m => m.Ledger.ReprocessedAt is null && m.Record.Reprocessings < DeadLetter.MaxReprocessings
            && m.Ledger.SentOffset == m.Record.Offset).ToList();
        var toSend = matching.Except(reprocessed).Except(gaveUp).Except(sent).ToList();

        var output = Console.Out;
        await output.WriteLineAsync($"referrals.dlq: {latest.Count} dead letter(s); {matching.Count} match {request.Filter}");
        await output.WriteLineAsync($"  to reprocess: {toSend.Count}   already reprocessed: {reprocessed.Count}   " +
            $"sent, awaiting outcome: {sent.Count}   parked after {DeadLetter.MaxReprocessings} failed reprocessings: {gaveUp.Count}");
        foreach (var group in toSend.GroupBy(m => (m.Record.ShopId, m.Record.EventType)).OrderBy(g => g.Key.ShopId).ThenBy(g => g.Key.EventType))
            await output.WriteLineAsync($"  shop {group.Key.ShopId?.ToString() ?? "unknown"}  {group.Key.EventType,-20} {group.Count(),6}");
        foreach (var (record, _, _) in toSend.Take(SampleSize))
            await output.WriteLineAsync($"  sample: {Describe(record)}");
        foreach (var (record, _, _) in gaveUp)
            await output.WriteLineAsync($"  stays parked: {Describe(record)}");

        if (!request.Apply)
        {
            await output.WriteLineAsync("Dry run: nothing was sent. Add --apply to send these to referrals.replay.");
            return 0;
        }

        using var producer = connections.CreateProducer("referrals-reprocess-dlq");
        var progress = await new PacedSends(producer, request.Rate).SendAsync(toSend,
            m => (Topics.Replay, ForReplay(m.Raw.Message, m.Record)),
            sent => DeadLetterLedger.MarkSentAsync(store, [.. sent.Select(m => (m.Record.ShopId, m.Record.Id, m.Record.Offset))], CancellationToken.None),
            output, ct);

        await progress.DoneAsync(output, ct.IsCancellationRequested);
        return ct.IsCancellationRequested ? 130 : 0;
    }

    /// <summary>The dead letter as it is, plus its identity and one more reprocessing.</summary>
    private static Message<byte[]?, byte[]?> ForReplay(Message<byte[]?, byte[]?> deadLetter, DeadLetterRecord record)
    {
        var headers = new Headers();
        foreach (var header in deadLetter.Headers ?? [])
        {
            if (header.Key is not (DeadLetterHeaders.IdHeader or DeadLetterHeaders.ReprocessingsHeader))
                headers.Add(header.Key, header.GetValueBytes());
        }
        headers.Add(DeadLetterHeaders.IdHeader, Encoding.UTF8.GetBytes(record.Id));
        headers.Add(DeadLetterHeaders.ReprocessingsHeader, Encoding.UTF8.GetBytes((record.Reprocessings + 1).ToString(CultureInfo.InvariantCulture)));
        return new Message<byte[]?, byte[]?> { Key = deadLetter.Key, Value = deadLetter.Value, Headers = headers };
    }

    private static string Describe(DeadLetterRecord r) =>
        $"{r.Id} shop={r.ShopId?.ToString() ?? "unknown"} type={r.EventType} error={r.ErrorType} " +
        $"failed_at={r.FailedAt.ToString("O", CultureInfo.InvariantCulture)} reprocessings={r.Reprocessings}";
}
