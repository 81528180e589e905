using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Marten;
using Referrals.Service.Messaging;
using Referrals.Service.Tenancy;
using Referrals.Service.Operator;

namespace Referrals.Service.Features.Replay;

/// <summary>
/// `replay`: re-emits the events this service published (referral.completed, referral.task, cache.invalidate) for
/// one shop and a window of their publication time, optionally one type, from its own records (the
/// <see cref="PublishedEvent"/> ledger) onto their own topic (default) or onto referrals.replay, for downstream
/// consumers that rebuild. A copy is the event as it went out (same payload and event_id, key = shop_id, the
/// correlation_id, event_type and schema_version headers) plus `replay_run` and `replay_of` (the original's id).
/// Resumable: the run's cursor (<see cref="ReplayRun"/>) moves once Kafka acknowledged what was sent
/// (<see cref="PacedSends"/>), so a rerun of the same run sends only what is left; a new run (other filters, or --run)
/// re-emits again.
/// </summary>
public static class ReplayCommand
{
    public const string Name = "replay";
    public const string RunHeader = "replay_run";
    public const string OriginalHeader = "replay_of";

    private const int SampleSize = 5;

    public static Command Create()
    {
        var options = new OperatorOptions();
        var toReplayTopic = new Option<bool>("--to-replay-topic") { Description = "Emit onto referrals.replay instead of each event's own topic." };
        var run = new Option<string?>("--run") { Description = "Name of this replay run (default: derived from the filters). Same run = resume." };
        var command = new Command(Name, "Re-emit events this service published, for a shop and a window (dry run unless --apply).")
        {
            toReplayTopic, run,
        };
        options.AddTo(command);
        command.SetAction((result, ct) =>
        {
            var request = options.Read(result, PublishedEvent.Topics);
            if (request is { Filter.Shop: null })
            {
                Console.Error.WriteLine("error: --shop is required: replay works one shop at a time.");
                request = null;
            }
            return RunAsync(request, result.GetValue(toReplayTopic), result.GetValue(run), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(OperatorRequest? request, bool toReplayTopic, string? runName, CancellationToken ct)
    {
        if (request is null)
            return 2;
        var connections = OperatorConnections.FromEnvironment();
        using var store = connections.OpenStore(ReplayModule.Schema);
        var destination = toReplayTopic ? Topics.Replay : "each event's own topic";
        var runId = runName ?? RunIdOf(request.Filter, toReplayTopic);

        var run = await LoadRunAsync(store, runId, ct) ?? new ReplayRun(runId, request.Filter.ToString(), destination, DateTimeOffset.UtcNow);
        var matching = ReplayRun.InReplayOrder(await MatchingAsync(store, request.Filter, ct)).ToList();
        var toSend = matching.Where(e => !run.AlreadySent(e)).ToList();

        var output = Console.Out;
        await output.WriteLineAsync($"replay run {runId}: {matching.Count} event(s) match {request.Filter}; " +
            $"to emit: {toSend.Count}   already emitted in this run: {matching.Count - toSend.Count}   destination: {destination}");
        foreach (var group in toSend.GroupBy(e => e.EventType).OrderBy(g => g.Key, StringComparer.Ordinal))
            await output.WriteLineAsync($"  {group.Key,-20} {group.Count(),6}");
        foreach (var e in toSend.Take(SampleSize))
            await output.WriteLineAsync($"  sample: {e.EventType} {e.Id} published_at={e.PublishedAt.ToString("O", CultureInfo.InvariantCulture)}");

        if (!request.Apply)
        {
            await output.WriteLineAsync("Dry run: nothing was sent. Add --apply to emit these.");
            return 0;
        }

        using var producer = connections.CreateProducer("referrals-replay");
        var progress = await new PacedSends(producer, request.Rate).SendAsync(toSend,
            e => (toReplayTopic ? Topics.Replay : e.Topic, CopyOf(e, runId)),
            async sent =>
            {
                // Sent in order and all acknowledged: the cursor moves to the last of them.
                run = sent.Aggregate(run, (current, e) => current.After(e));
                await SaveRunAsync(store, run, CancellationToken.None);
            },
            output, ct);

        await progress.DoneAsync(output, ct.IsCancellationRequested);
        return ct.IsCancellationRequested ? 130 : 0;
    }

    private static async Task<IReadOnlyList<PublishedEvent>> MatchingAsync(IDocumentStore store, EventFilter filter, CancellationToken ct)
    {
        await using var session = store.QuerySession(filter.Shop!.Value.ToString()); // required (checked above)
        var query = session.Query<PublishedEvent>().Where(e => e.ShopId == filter.Shop);
        if (filter.EventType is { } type)
            query = query.Where(e => e.EventType == type);
        if (filter.From is { } from)
            query = query.Where(e => e.PublishedAt >= from);
        if (filter.To is { } to)
            query = query.Where(e => e.PublishedAt < to);
        return await query.ToListAsync(ct);
    }

    private static async Task<ReplayRun?> LoadRunAsync(IDocumentStore store, string runId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<ReplayRun>(runId, ct);
    }

    private static async Task SaveRunAsync(IDocumentStore store, ReplayRun run, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(run);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The event as it went out, with Wolverine's envelope headers a Wolverine consumer needs (referrals.replay is
    /// one): a copy's `id` is derived from the run and the original, so a copy sent twice is one delivery to an inbox.
    /// </summary>
    private static Message<byte[]?, byte[]?> CopyOf(PublishedEvent e, string runId)
    {
        var headers = new Headers();
        foreach (var (name, value) in e.Headers)
            headers.Add(name, Encoding.UTF8.GetBytes(value));
        var shop = e.ShopId.ToString("D", CultureInfo.InvariantCulture);
        headers.Add("id", Encoding.UTF8.GetBytes(CopyIdOf(runId, e.Id).ToString()));
        headers.Add("message-type", Encoding.UTF8.GetBytes(e.MessageType));
        headers.Add("content-type", "application/json"u8.ToArray());
        headers.Add("tenant-id", Encoding.UTF8.GetBytes(shop));
        headers.Add(RunHeader, Encoding.UTF8.GetBytes(runId));
        headers.Add(OriginalHeader, Encoding.UTF8.GetBytes(e.Id.ToString()));
        return new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(shop), Value = Encoding.UTF8.GetBytes(e.Payload), Headers = headers };
    }

    private static Guid CopyIdOf(string runId, Guid original) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{runId}/{original:N}")).AsSpan(0, 16));

    private static string RunIdOf(EventFilter filter, bool toReplayTopic) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{filter} replay-topic={toReplayTopic}")))[..12];
}
