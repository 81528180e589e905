using System.Diagnostics;
using Referrals.DevStubs.Core;

namespace Referrals.Chaos;

/// <summary>How big and how rough a run is.</summary>
public sealed record ChaosOptions
{
    public int Orders { get; init; } = 10_000;
    public double OrdersPerSecond { get; init; } = 100;
    public string Schedule { get; init; } = "repeat";
    public TimeSpan FaultLength { get; init; } = TimeSpan.FromSeconds(5);
    public int Seed { get; init; } = 15;
    /// <summary>Orders in flight at most (Shopify's deliveries are not unbounded either); tries of one order wait behind it.</summary>
    public int MaxInFlight { get; init; } = 256;
    /// <summary>How long the driver keeps retrying a webhook after the sending window (Shopify: 48 h).</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromMinutes(3);
    public TimeSpan QuietTimeout { get; init; } = TimeSpan.FromMinutes(3);
    /// <summary>vip_tier.assigned events (one per referrer, at most 1,000), plus one duplicate in ten.</summary>
    public int? TierEvents { get; init; }
}

/// <summary>
/// The chaos run: creates the referral links, then sends the order mix and the tier stream while the schedule
/// injects faults, waits for quiet and verifies, from Postgres and Kafka, that nothing was lost or duplicated.
/// </summary>
public static class ChaosRun
{
    public const string ShopDomain = "dev-shop.myshopify.com";
    public const string AppSecret = "dev-webhook-secret";

    public static async Task<ChaosReport> ExecuteAsync(ChaosTarget stack, ChaosOptions options, TextWriter log, CancellationToken ct)
    {
        var shop = DevCustomers.MainShopId;
        var runId = Guid.NewGuid().ToString("N")[..8];
        var mix = OrderMix.Create(options.Orders, options.Seed, runId);
        var tiers = new TierAssignments(options.TierEvents ?? options.Orders / 10, options.Seed);
        var window = TimeSpan.FromSeconds(options.Orders / options.OrdersPerSecond);
        var schedule = FaultSchedule.Plan(options.Schedule, window, options.FaultLength);
        log.WriteLine($"chaos {runId}: {mix.Orders} orders ({mix.Deliveries.Count()} deliveries, {mix.Links} links), {tiers.Sends.Count} tier events, " +
            $"{window.TotalSeconds:0} s at {options.OrdersPerSecond}/s, {schedule.Count} faults ({options.Schedule}), {stack.Instances.Count} instance(s)");

        var setup = Stopwatch.StartNew();
        var links = await ReferralLinks.CreateAsync(stack.Instances[0].Grpc, shop, mix.Links, concurrency: 8, ct);
        log.WriteLine($"setup: {links.Length} referral links in {setup.Elapsed.TotalSeconds:0.0} s");

        var stored = new StoredState(stack.OwnerConnectionString);
        using var baseline = await RunBaseline.TakeAsync(stack, stored, ct);
        var runClock = Stopwatch.StartNew();
        using var driver = new ShopifyDriver(stack.Instances, ShopDomain, AppSecret, runClock);
        var faults = new FaultInjector(stack, runClock, log);
        var faulting = faults.RunAsync(schedule, ct);
        var tierStream = tiers.ProduceAsync(stack.KafkaBootstrap, shop, window, runClock, ct);
        await SendAsync(mix, links, driver, window, window + options.GiveUpAfter, options.MaxInFlight, runClock, ct);
        var sendSeconds = runClock.Elapsed;
        await tierStream;
        await faulting;
        log.WriteLine($"[{runClock.Elapsed.TotalSeconds,6:0.0} s] sent: every order answered or given up after {sendSeconds.TotalSeconds:0.0} s");

        var answered = driver.Answered.Keys.Except(driver.Unanswered.Keys).ToHashSet(StringComparer.Ordinal);
        var verifier = new ChaosVerifier(stack, stored, new RunPlan(shop, mix, links, tiers), baseline);
        var quiet = await verifier.WaitForQuietAsync(answered, options.QuietTimeout, log, ct);
        log.WriteLine($"[{runClock.Elapsed.TotalSeconds,6:0.0} s] {(quiet ? "quiet" : "not quiet within " + options.QuietTimeout.TotalSeconds + " s")}; verifying");
        var verification = await verifier.VerifyAsync(answered, ct);
        return ChaosReport.Of(options, mix, schedule, faults.Windows, driver, verification, quiet);
    }

    private static async Task SendAsync(OrderMix mix, CreatedLink[] links, ShopifyDriver driver, TimeSpan window, TimeSpan giveUpAt,
        int maxInFlight, Stopwatch runClock, CancellationToken ct)
    {
        using var inFlight = new SemaphoreSlim(maxInFlight);
        var sends = new List<Task>(mix.Units.Count);
        for (var i = 0; i < mix.Units.Count; i++)
        {
            var due = window * i / mix.Units.Count;
            if (due > runClock.Elapsed)
                await Task.Delay(due - runClock.Elapsed, ct);
            await inFlight.WaitAsync(ct);
            var unit = mix.Units[i];
            sends.Add(Task.Run(async () =>
            {
                try
                {
                    // A re-sent order's two deliveries, and a pair's two orders, go at the same moment.
                    await Task.WhenAll(unit.Deliveries.Select(d =>
                        driver.DeliverAsync(d, d.Link is { } link ? links[link].LinkId : null, giveUpAt, ct)));
                }
                finally
                {
                    inFlight.Release();
                }
            }, ct));
        }
        await Task.WhenAll(sends);
    }
}
