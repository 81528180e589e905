using System.Text.Json;

namespace Referrals.Chaos;

/// <summary>
/// Where the run started: the message store's rows, and recorders of the topics the verdict reads from their ends then,
/// so that only the run's own records are judged.
/// </summary>
public sealed record RunBaseline(
    TopicRecorder Completed,
    TopicRecorder Tasks,
    TopicRecorder DeadLetters,
    MessageStoreRows MessageStore) : IDisposable
{
    public static async Task<RunBaseline> TakeAsync(ChaosTarget stack, StoredState stored, CancellationToken ct) => new(
        TopicRecorder.StartAtEnd(stack.KafkaBootstrap, ChaosVerifier.CompletedTopic),
        TopicRecorder.StartAtEnd(stack.KafkaBootstrap, ChaosVerifier.TaskTopic),
        TopicRecorder.StartAtEnd(stack.KafkaBootstrap, ChaosVerifier.DeadLetterTopic),
        await stored.MessageStoreAsync(ct));

    public void Dispose()
    {
        Completed.Dispose();
        Tasks.Dispose();
        DeadLetters.Dispose();
    }
}

/// <summary>What the run sent, for the verifier to hold the stack to.</summary>
public sealed record RunPlan(Guid Shop, OrderMix Mix, CreatedLink[] Links, TierAssignments Tiers);

/// <summary>
/// Proves the run from the outside: Postgres (as the owner) and Kafka read with a plain consumer, never the
/// service's metrics. Lost and duplicated effects are counted per kind; see <see cref="ChaosReport"/>.
/// </summary>
public sealed class ChaosVerifier(ChaosTarget stack, StoredState stored, RunPlan plan, RunBaseline baseline)
{
    public const string CompletedTopic = "referral.completed";
    public const string TaskTopic = "referral.task";
    public const string DeadLetterTopic = "referrals.dlq";
    private const string ThankYou = "referral.thank_you";

    /// <summary>The service's consumer groups and their topics (MessagingSetup.ConsumerGroup, RecordDeadLetters.ConsumerGroup).</summary>
    public static readonly (string Group, string Topic)[] ConsumerGroups =
    [
        ("referrals-service.vip_tier.assigned", "vip_tier.assigned"),
        ("referrals-service.cache.invalidate", "cache.invalidate"),
        ("referrals-service.referrals.replay", "referrals.replay"),
        ("referrals-service-dead-letters", DeadLetterTopic),
    ];

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Waits until the stack is quiet: no message of the run left in the inbox or outbox, every consumer group caught
    /// up, every answered webhook and every tier event processed; twice in a row, or until <paramref name="within"/>.
    /// </summary>
    public async Task<bool> WaitForQuietAsync(IReadOnlyCollection<string> answeredWebhooks, TimeSpan within, TextWriter log, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + within;
        var quietPolls = 0;
        while (DateTime.UtcNow < deadline)
        {
            var backlog = (await stored.MessageStoreAsync(ct)).Since(baseline.MessageStore);
            var lag = ConsumerGroups.Sum(g => KafkaTopics.Lag(stack.KafkaBootstrap, g.Group, g.Topic));
            var processed = await stored.ProcessedEventsAsync(plan.Shop, [.. answeredWebhooks, .. plan.Tiers.Events.Select(e => e.EventId.ToString())], ct);
            var unprocessed = answeredWebhooks.Count + plan.Tiers.Events.Count - processed.Values.Count(p => p.State == "processed");
            log.WriteLine($"  waiting for quiet: inbox {backlog.Inbox.Count}, outbox {backlog.Outbox.Count}, lag {lag}, unprocessed {unprocessed}; "
                + await stored.ClusterAsync(ct));
            quietPolls = backlog.Inbox.Count + backlog.Outbox.Count == 0 && lag == 0 && unprocessed == 0 ? quietPolls + 1 : 0;
            if (quietPolls == 2)
                return true;
            await Task.Delay(Poll, ct);
        }
        return false;
    }

    public async Task<Verification> VerifyAsync(IReadOnlyCollection<string> answeredWebhooks, CancellationToken ct)
    {
        var referralOfLink = plan.Links.Select((link, i) => (link, i)).ToDictionary(x => x.i, x => x.link.ReferralId);
        var linkOfCorrelation = plan.Mix.Deliveries.Where(d => d.Link is not null).DistinctBy(d => d.CorrelationId)
            .ToDictionary(d => d.CorrelationId, d => d.Link!.Value, StringComparer.Ordinal);
        var runReferrals = plan.Links.Select(l => l.ReferralId).ToHashSet();

        // referral.completed: distinct event ids per referral. The conversion's carries its order's correlation id; a tier
        // bonus recorded on a held referral is announced as referral.completed too (status completed, its tier), under
        // the tier event's correlation. Every tier is counted once per referral, whichever event carried it.
        var completedEvents = baseline.Completed.CatchUp()
            .Select(r => JsonDocument.Parse(r.Value).RootElement)
            .Select(e => (EventId: e.GetProperty("event_id").GetString()!, Referral: Guid.Parse(e.GetProperty("referral_id").GetString()!),
                Status: e.GetProperty("status").GetString()!, Tier: e.TryGetProperty("tier_id", out var tier) ? tier.GetString() : null,
                Correlation: e.GetProperty("correlation_id").GetString()!))
            .Where(e => runReferrals.Contains(e.Referral))
            .DistinctBy(e => e.EventId)
            .ToList();
        var completions = completedEvents.Where(e => e.Status == "completed" && linkOfCorrelation.ContainsKey(e.Correlation))
            .GroupBy(e => e.Referral).ToDictionary(g => g.Key, g => g.Count());
        var duplicateRewards = completedEvents.Where(e => e.Tier is not null).GroupBy(e => (e.Referral, e.Tier)).Sum(g => g.Count() - 1);

        // referral.task: distinct thank-you event ids per link, found through the correlation id its order carried.
        var thankYous = baseline.Tasks.CatchUp()
            .Select(r => JsonDocument.Parse(r.Value).RootElement)
            .Where(e => e.GetProperty("task_type").GetString() == ThankYou)
            .Select(e => (EventId: e.GetProperty("event_id").GetString()!, Correlation: e.GetProperty("correlation_id").GetString()!))
            .Where(e => linkOfCorrelation.ContainsKey(e.Correlation))
            .DistinctBy(e => e.EventId)
            .GroupBy(e => linkOfCorrelation[e.Correlation])
            .ToDictionary(g => g.Key, g => g.Count());

        var statuses = await stored.ReferralStatusesAsync(plan.Shop, [.. runReferrals], ct);
        // Each referral still in its hold waits for exactly one scheduled qualification: none missing, none doubled
        // (a doubled one would qualify it twice).
        var qualifications = (await stored.ScheduledQualificationsAsync(ct)).Where(q => runReferrals.Contains(q.Key))
            .ToDictionary(q => q.Key, q => q.Value);
        var held = runReferrals.Where(r => statuses.GetValueOrDefault(r) == "completed").ToList();
        var webhookIds = plan.Mix.Deliveries.Select(d => d.WebhookId).Distinct(StringComparer.Ordinal).ToList();
        var tierIds = plan.Tiers.Events.Select(e => e.EventId.ToString()).ToList();
        var processed = await stored.ProcessedEventsAsync(plan.Shop, [.. webhookIds, .. tierIds], ct);
        bool IsProcessed(string id) => processed.TryGetValue(id, out var row) && row.State == "processed";

        var pairLinks = plan.Mix.Units.Where(u => u.Kind == OrderKind.Paired).Select(u => u.Deliveries[0].Link!.Value).ToList();
        var deadLetters = AccountForDeadLetters(webhookIds, tierIds, await stored.LedgerAsync(ct));
        var rowsLeft = (await stored.MessageStoreAsync(ct)).Since(baseline.MessageStore);
        var rowsLeftDescribed = await stored.DescribeAsync(rowsLeft, ct);
        var lag = ConsumerGroups.ToDictionary(g => g.Group, g => KafkaTopics.Lag(stack.KafkaBootstrap, g.Group, g.Topic));

        return new Verification(
            Webhooks: webhookIds.Count,
            WebhooksAnswered: webhookIds.Count(answeredWebhooks.Contains),
            ExpectedConversions: plan.Links.Length,
            ConvertedInPostgres: referralOfLink.Values.Count(r => statuses.GetValueOrDefault(r) is "completed" or "rewarded"),
            ObservedConversions: completions.Values.Sum(),
            LostConversions: referralOfLink.Values.Count(r => !completions.ContainsKey(r)),
            DuplicatedConversions: completions.Values.Sum(n => n - 1),
            ThankYous: thankYous.Values.Sum(),
            LostThankYous: Enumerable.Range(0, plan.Links.Length).Count(link => !thankYous.ContainsKey(link)),
            DuplicatedThankYous: thankYous.Values.Sum(n => n - 1),
            Pairs: pairLinks.Count,
            PairsConvertedOnce: pairLinks.Count(link => completions.GetValueOrDefault(referralOfLink[link]) == 1),
            OrdersUnprocessed: webhookIds.Count(id => !IsProcessed(id)),
            TierEvents: plan.Tiers.Events.Count,
            TierDuplicatesSent: plan.Tiers.Sends.Count - plan.Tiers.Events.Count,
            TierEventsLost: tierIds.Count(id => !IsProcessed(id)),
            TierEventsNotProcessed: await DescribeUnprocessedAsync([.. tierIds.Where(id => !IsProcessed(id))], processed, ct),
            DuplicatedRewards: duplicateRewards,
            Held: held.Count,
            QualificationsScheduled: qualifications.Values.Sum(),
            QualificationsMissing: held.Count(r => !qualifications.ContainsKey(r)),
            QualificationsDoubled: qualifications.Values.Sum(n => n - 1),
            DroppedByBroker: new[] { baseline.Completed, baseline.Tasks, baseline.DeadLetters }.Where(r => r.Dropped > 0)
                .ToDictionary(r => r.Topic, r => r.Dropped),
            RowsLeft: rowsLeft,
            RowsLeftDescribed: rowsLeftDescribed,
            ConsumerLag: lag,
            DeadLetters: deadLetters);
    }

    // Each unprocessed event with its processed_events state and, for the first few, the inbox rows that carried it.
    private async Task<List<string>> DescribeUnprocessedAsync(List<string> ids, Dictionary<string, (string State, string? Outcome)> processed,
        CancellationToken ct)
    {
        var described = new List<string>();
        foreach (var (id, index) in ids.Select((id, index) => (id, index)))
        {
            var state = processed.TryGetValue(id, out var row) ? row.State : "no processed_events row";
            described.Add(index < 5 ? $"{id} ({state}; inbox: {await stored.InboxTraceAsync(id, ct)})" : $"{id} ({state})");
        }
        return described;
    }

    /// <summary>
    /// Every record parked on referrals.dlq during the run must be in the ledger and be one of the run's own orders or
    /// tier events (counted lost above unless processed after all); anything else is unaccounted for.
    /// </summary>
    private DeadLetterAccount AccountForDeadLetters(List<string> webhookIds, List<string> tierIds, HashSet<(int, long)> ledger)
    {
        var webhooks = webhookIds.ToHashSet(StringComparer.Ordinal);
        var tiers = tierIds.ToHashSet(StringComparer.Ordinal);
        var parked = baseline.DeadLetters.CatchUp();
        var (orders, tierEvents, unaccounted) = (0, 0, new List<string>());
        foreach (var record in parked)
        {
            if (record.Header("x-shopify-webhook-id") is { } webhookId && webhooks.Contains(webhookId))
                orders++;
            else if (EventIdOf(record) is { } eventId && tiers.Contains(eventId))
                tierEvents++;
            else
                unaccounted.Add($"{record.Partition}/{record.Offset} {record.Header("event_type") ?? "?"}: {record.Header("dlq_error_type") ?? record.Header("exception-type") ?? "?"}");
        }
        var notInLedger = parked.Count(r => !ledger.Contains((r.Partition, r.Offset)));
        return new DeadLetterAccount(parked.Count, orders, tierEvents, notInLedger, unaccounted);
    }

    private static string? EventIdOf(TopicRecord record)
    {
        try
        {
            using var document = JsonDocument.Parse(record.Value);
            return document.RootElement.TryGetProperty("event_id", out var id) ? id.ToString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The run's dead letters: how many, whose, and which the ledger missed or nobody can explain.</summary>
public sealed record DeadLetterAccount(int Parked, int Orders, int TierEvents, int NotInLedger, IReadOnlyList<string> Unaccounted);

/// <summary>What the verifier found, kind by kind.</summary>
public sealed record Verification(
    int Webhooks,
    int WebhooksAnswered,
    int ExpectedConversions,
    int ConvertedInPostgres,
    int ObservedConversions,
    int LostConversions,
    int DuplicatedConversions,
    int ThankYous,
    int LostThankYous,
    int DuplicatedThankYous,
    int Pairs,
    int PairsConvertedOnce,
    int OrdersUnprocessed,
    int TierEvents,
    int TierDuplicatesSent,
    int TierEventsLost,
    IReadOnlyList<string> TierEventsNotProcessed,
    int DuplicatedRewards,
    int Held,
    int QualificationsScheduled,
    int QualificationsMissing,
    int QualificationsDoubled,
    IReadOnlyDictionary<string, long> DroppedByBroker,
    MessageStoreRows RowsLeft,
    IReadOnlyList<string> RowsLeftDescribed,
    IReadOnlyDictionary<string, long> ConsumerLag,
    DeadLetterAccount DeadLetters)
{
    /// <summary>
    /// Effects that should have happened and did not: conversions, thank-you tasks, order processings, tier events,
    /// held referrals' scheduled qualifications.
    /// </summary>
    public int Lost => LostConversions + LostThankYous + OrdersUnprocessed + TierEventsLost + QualificationsMissing;

    /// <summary>
    /// Effects that happened (or will) more than once: conversions, thank-you tasks, bonuses for one (referral, tier),
    /// qualifications scheduled for one referral.
    /// </summary>
    public int Duplicated => DuplicatedConversions + DuplicatedThankYous + DuplicatedRewards + QualificationsDoubled;

    /// <summary>The checks besides lost and duplicated that a clean run passes too.</summary>
    public IEnumerable<string> OtherFailures()
    {
        foreach (var (topic, dropped) in DroppedByBroker)
            yield return $"the broker dropped {dropped} record(s) of {topic} before they were read: the verdict cannot see them";
        if (WebhooksAnswered < Webhooks)
            yield return $"{Webhooks - WebhooksAnswered} webhook id(s) never answered 200";
        if (ConvertedInPostgres < ExpectedConversions)
            yield return $"{ExpectedConversions - ConvertedInPostgres} referral(s) not completed in Postgres";
        if (TierEventsNotProcessed.Count > 0)
            yield return $"tier events not processed: {string.Join(", ", TierEventsNotProcessed)}";
        if (RowsLeft.Count > 0)
            yield return $"message store rows left: {string.Join("; ", RowsLeftDescribed)}";
        if (ConsumerLag.Values.Sum() > 0)
            yield return "consumer lag: " + string.Join(", ", ConsumerLag.Where(l => l.Value > 0).Select(l => $"{l.Key} {l.Value}"));
        if (DeadLetters.NotInLedger > 0)
            yield return $"{DeadLetters.NotInLedger} dead letter(s) not in the ledger";
        foreach (var unaccounted in DeadLetters.Unaccounted)
            yield return $"dead letter not of this run: {unaccounted}";
    }
}
