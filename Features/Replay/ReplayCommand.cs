using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Referrals.Service.Infrastructure;

namespace Referrals.Service.Features.Replay;

/// <summary>
/// `replay`: re-emits the events this service produced (referral.completed, referral.task, cache.invalidate) for one
/// shop and a window of their created_at, optionally one type, onto their own topic (default) or onto
/// referrals.replay, for downstream consumers that rebuild. The events are the records the service published,
/// byte for byte (same event_id, key and headers), read back from its topics; copies carry `replay_run` and
/// `replay_of` (topic/partition/offset of the original). Resumable: a rerun of the same run skips originals whose
/// copy is already on the destination; a new run (other filters, or --run) re-emits again.
/// </summary>
public static class ReplayCommand
{
    public const string Name = "replay";
    public const string RunHeader = "replay_run";
    public const string OriginalHeader = "replay_of";

    public static readonly IReadOnlyCollection<string> KnownEventTypes = [Topics.ReferralCompleted, Topics.ReferralTask, Topics.CacheInvalidate];

    private const int SampleSize = 5;

    public static Command Create()
    {
        var options = new OperatorOptions();
        var toReplayTopic = new Option<bool>("--to-replay-topic") { Description = "Emit onto referrals.replay instead of each event's own topic." };
        var run = new Option<string?>("--run") { Description = "Name of this replay run (default: derived from the filters). Same run = resume." };
        var command = new Command(Name, "Re-emit events this service produced, for a shop and a window (dry run unless --apply).")
        {
            toReplayTopic, run,
        };
        options.AddTo(command);
        command.SetAction((result, ct) =>
        {
            var request = options.Read(result, KnownEventTypes);
            if (request is { Filter.Shop: null })
            {
                Console.Error.WriteLine("error: --shop is required: replay works one shop at a time.");
                request = null;
            }
            return RunAsync(request, result.GetValue(toReplayTopic), result.GetValue(run), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(OperatorRequest? request, bool toReplayTopic, string? run, CancellationToken ct)
    {
        if (request is null)
            return 2;
        var connections = OperatorConnections.FromEnvironment();
        var runId = run ?? RunIdOf(request.Filter, toReplayTopic);
        var types = request.Filter.EventType is { } only ? [only] : KnownEventTypes;

        var matching = new List<(string Topic, ConsumeResult<byte[]?, byte[]?> Record, DateTimeOffset CreatedAt)>();
        var alreadyCopied = new HashSet<string>(StringComparer.Ordinal);
        foreach (var topic in types)
        {
            foreach (var record in TopicSnapshot.Read(connections.Kafka, topic, ct))
            {
                if (Header(record, OriginalHeader) is { } original)
                {
                    if (Header(record, RunHeader) == runId)
                        alreadyCopied.Add(original);
                    continue; // a copy is never the source of another copy
                }
                if (CreatedAt(record) is { } createdAt
                    && request.Filter.Matches(ShopOf(record), Header(record, KafkaEnvelope.EventTypeHeader) ?? topic, createdAt))
                    matching.Add((topic, record, createdAt));
            }
        }
        if (toReplayTopic)
        {
            foreach (var record in TopicSnapshot.Read(connections.Kafka, Topics.Replay, ct))
            {
                if (Header(record, RunHeader) == runId && Header(record, OriginalHeader) is { } original)
                    alreadyCopied.Add(original);
            }
        }

        var toSend = matching.Where(m => !alreadyCopied.Contains(OriginOf(m.Record))).OrderBy(m => m.CreatedAt).ToList();
        var output = Console.Out;
        await output.WriteLineAsync($"replay run {runId}: {matching.Count} event(s) match {request.Filter}; " +
            $"to emit: {toSend.Count}   already emitted in this run: {matching.Count - toSend.Count}   " +
            $"destination: {(toReplayTopic ? Topics.Replay : "each event's own topic")}");
        foreach (var group in toSend.GroupBy(m => m.Topic).OrderBy(g => g.Key))
            await output.WriteLineAsync($"  {group.Key,-20} {group.Count(),6}");
        foreach (var (topic, record, createdAt) in toSend.Take(SampleSize))
            await output.WriteLineAsync($"  sample: {topic} {OriginOf(record)} created_at={createdAt.ToString("O", CultureInfo.InvariantCulture)}");

        if (!request.Apply)
        {
            await output.WriteLineAsync("Dry run: nothing was sent. Add --apply to emit these.");
            return 0;
        }

        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = connections.Kafka,
            Acks = Acks.All,
            EnableIdempotence = true,
            ClientId = "referrals-replay",
        }).SetLogHandler((_, _) => { }).Build();
        var pacer = new Pacer(request.Rate);
        var progress = new Progress(toSend.Count, pacer);
        foreach (var (topic, record, _) in toSend)
        {
            try
            {
                await pacer.WaitTurnAsync(ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            // Once started, a send completes even on Ctrl+C; its copy on the destination is the resume point.
            await producer.ProduceAsync(toReplayTopic ? Topics.Replay : topic, CopyOf(record, runId), CancellationToken.None);
            await progress.SentAsync(output);
        }

        await progress.DoneAsync(output, ct.IsCancellationRequested);
        return ct.IsCancellationRequested ? 130 : 0;
    }

    private static Message<byte[]?, byte[]?> CopyOf(ConsumeResult<byte[]?, byte[]?> original, string runId)
    {
        var headers = new Headers();
        foreach (var header in original.Message.Headers ?? [])
            headers.Add(header.Key, header.GetValueBytes());
        headers.Add(RunHeader, Encoding.UTF8.GetBytes(runId));
        headers.Add(OriginalHeader, Encoding.UTF8.GetBytes(OriginOf(original)));
        return new Message<byte[]?, byte[]?> { Key = original.Message.Key, Value = original.Message.Value, Headers = headers };
    }

    private static string OriginOf(ConsumeResult<byte[]?, byte[]?> record) =>
        $"{record.Topic}/{record.Partition.Value}/{record.Offset.Value}";

    private static string RunIdOf(EventFilter filter, bool toReplayTopic) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{filter} replay-topic={toReplayTopic}")))[..12];

    private static string? Header(ConsumeResult<byte[]?, byte[]?> record, string name) =>
        record.Message.Headers?.TryGetLastBytes(name, out var value) == true ? Encoding.UTF8.GetString(value) : null;

    private static Guid? ShopOf(ConsumeResult<byte[]?, byte[]?> record) =>
        record.Message.Key is { } key && Guid.TryParse(Encoding.UTF8.GetString(key), out var shop) ? shop : null;

    /// <summary>created_at of the payload (every event of this service has one), else the record's timestamp.</summary>
    private static DateTimeOffset? CreatedAt(ConsumeResult<byte[]?, byte[]?> record)
    {
        try
        {
            using var payload = JsonDocument.Parse(record.Message.Value ?? []);
            if (payload.RootElement.ValueKind == JsonValueKind.Object
                && payload.RootElement.TryGetProperty("created_at", out var createdAt) && createdAt.TryGetDateTimeOffset(out var at))
                return at.ToUniversalTime();
        }
        catch (JsonException)
        {
            // not one of ours: fall back to the broker's time
        }
        return record.Message.Timestamp.UtcDateTime;
    }
}
