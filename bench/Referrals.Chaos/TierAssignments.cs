using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Confluent.Kafka;
using Referrals.DevStubs.Core;

namespace Referrals.Chaos;

/// <summary>One `vip_tier.assigned` of the run: for a referrer of the run, each referrer at most once.</summary>
public sealed record TierEvent(Guid EventId, long Referrer, string TierId, DateTimeOffset AssignedAt);

/// <summary>
/// Campaign's side: `vip_tier.assigned` produced with a plain Confluent producer (key = shop_id), paced over the
/// sending window, one in ten produced a second time a little later (a duplicate, same event_id). A produce that
/// fails (the broker away past the producer's own retries) is produced again: Campaign does not drop its events.
/// </summary>
public sealed class TierAssignments
{
    private static readonly string[] Tiers = ["bronze", "silver", "gold", "platinum"];

    public TierAssignments(int count, int seed)
    {
        var random = new Random(seed);
        var start = DateTimeOffset.UtcNow;
        Events = [.. Enumerable.Range(0, Math.Min(count, OrderMix.Customers)).Select(i =>
            new TierEvent(Guid.NewGuid(), OrderMix.Customer(i), Tiers[random.Next(Tiers.Length)], start.AddMilliseconds(i)))];
        var sends = Events.ToList();
        sends.AddRange(Events.Where((_, i) => i % 10 == 3));
        random.Shuffle(CollectionsMarshal.AsSpan(sends));
        Sends = sends;
    }

    public IReadOnlyList<TierEvent> Events { get; }

    /// <summary>Every event once, the duplicates among them, in the order they are produced.</summary>
    public IReadOnlyList<TierEvent> Sends { get; }

    public async Task ProduceAsync(string bootstrap, Guid shop, TimeSpan window, Stopwatch runClock, CancellationToken ct)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            Acks = Acks.All,
            MessageTimeoutMs = 30_000,
        }).SetLogHandler((_, _) => { }).Build();
        var pending = new List<Task>();
        for (var i = 0; i < Sends.Count; i++)
        {
            var due = window * i / Math.Max(1, Sends.Count);
            if (due > runClock.Elapsed)
                await Task.Delay(due - runClock.Elapsed, ct);
            pending.Add(ProduceUntilStoredAsync(producer, shop, Sends[i], ct));
        }
        await Task.WhenAll(pending);
    }

    private static async Task ProduceUntilStoredAsync(IProducer<string, byte[]> producer, Guid shop, TierEvent tier, CancellationToken ct)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["event_id"] = tier.EventId,
            ["customer_id"] = DevCustomers.PlatformId(shop, tier.Referrer),
            ["shop_id"] = shop,
            ["tier_id"] = tier.TierId,
            ["assigned_at"] = tier.AssignedAt,
        });
        while (true)
        {
            try
            {
                await producer.ProduceAsync("vip_tier.assigned", new Message<string, byte[]> { Key = shop.ToString(), Value = payload }, ct);
                return;
            }
            catch (ProduceException<string, byte[]>)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }
}
