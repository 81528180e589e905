using System.Diagnostics;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Chaos;

public enum FaultKind
{
    /// <summary>SIGSTOP of postgres and its backends: connections open, nothing answers (a partition, a stuck primary).</summary>
    PausePostgres,
    /// <summary>SIGKILL of postgres and its backends, then a start through Aspire (crash recovery) once the fault's time is up.</summary>
    KillPostgres,
    /// <summary>SIGSTOP of redis-server.</summary>
    PauseRedis,
    /// <summary>SIGKILL of redis-server (in memory only: every key is gone), then a start.</summary>
    KillRedis,
    /// <summary>The Kafka dev broker's control: POST /broker/down, then /broker/up.</summary>
    BrokerDown,
    /// <summary>SIGKILL of one service instance (the last one), then a start: its durable inbox and outbox must not be lost.</summary>
    KillInstance,
}

/// <summary>A fault as scheduled: what, when (since the first order was sent) and for how long.</summary>
public sealed record ScheduledFault(FaultKind Kind, TimeSpan At, TimeSpan Length);

/// <summary>A fault as it happened: from its injection until the stack was whole again (a restart waits for readiness).</summary>
public sealed record FaultWindow(FaultKind Kind, TimeSpan From, TimeSpan To)
{
    public bool Covers(TimeSpan moment) => moment >= From && moment <= To;
}

/// <summary>
/// When the faults come: <c>once</c> injects each kind once, spread evenly over the sending window; <c>repeat</c>
/// cycles through every kind for as long as the window lasts; <c>none</c> is the baseline. One fault at a time,
/// each followed by a quiet stretch, so that what a fault did can be told apart from what the next one did.
/// </summary>
public static class FaultSchedule
{
    public static readonly string[] Names = ["once", "repeat", "none"];

    private static readonly FaultKind[] Cycle =
        [FaultKind.PausePostgres, FaultKind.KillRedis, FaultKind.BrokerDown, FaultKind.PauseRedis, FaultKind.KillInstance, FaultKind.KillPostgres];

    public static IReadOnlyList<ScheduledFault> Plan(string schedule, TimeSpan window, TimeSpan length)
    {
        switch (schedule)
        {
            case "none":
                return [];
            case "once":
                var slot = window / Cycle.Length;
                return [.. Cycle.Select((kind, i) => new ScheduledFault(kind, slot * i + slot * 0.2, Min(length, slot * 0.6)))];
            case "repeat":
                // A slot is the fault and as long again without one.
                var every = length * 2 + TimeSpan.FromSeconds(2);
                var count = Math.Max(Cycle.Length, (int)(window / every));
                return [.. Enumerable.Range(0, count).Select(i => new ScheduledFault(Cycle[i % Cycle.Length], every * i + TimeSpan.FromSeconds(2), length))];
            default:
                throw new ArgumentException($"schedule is one of {string.Join(", ", Names)}", nameof(schedule));
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>Injects the scheduled faults into the stack, one after another, and restores each one.</summary>
public sealed class FaultInjector(ChaosTarget stack, Stopwatch runClock, TextWriter log)
{
    private readonly List<FaultWindow> _windows = [];

    public IReadOnlyList<FaultWindow> Windows => _windows;

    public async Task RunAsync(IReadOnlyList<ScheduledFault> schedule, CancellationToken ct)
    {
        using var broker = new HttpClient { BaseAddress = stack.KafkaControl, Timeout = TimeSpan.FromSeconds(10) };
        foreach (var fault in schedule)
        {
            if (fault.At > runClock.Elapsed)
                await Task.Delay(fault.At - runClock.Elapsed, ct);
            var from = runClock.Elapsed;
            log.WriteLine($"[{from.TotalSeconds,6:0.0} s] fault: {fault.Kind} for {fault.Length.TotalSeconds:0.#} s");
            await InjectAsync(fault, broker, ct);
            _windows.Add(new FaultWindow(fault.Kind, from, runClock.Elapsed));
            log.WriteLine($"[{runClock.Elapsed.TotalSeconds,6:0.0} s] restored: {fault.Kind}");
        }
    }

    private async Task InjectAsync(ScheduledFault fault, HttpClient broker, CancellationToken ct)
    {
        var instance = stack.Instances[^1];
        switch (fault.Kind)
        {
            case FaultKind.PausePostgres:
                await PauseAsync(stack.PostgresPort, fault.Length, ct);
                break;
            case FaultKind.PauseRedis:
                await PauseAsync(stack.RedisPort, fault.Length, ct);
                break;
            case FaultKind.KillPostgres:
                await KillAndRestartAsync(stack.PostgresPort, "postgres", fault.Length, ct);
                break;
            case FaultKind.KillRedis:
                await KillAndRestartAsync(stack.RedisPort, "redis-server", fault.Length, ct);
                break;
            case FaultKind.KillInstance:
                await KillAndRestartAsync(instance.HttpPort, instance.Resource, fault.Length, ct);
                break;
            case FaultKind.BrokerDown:
                (await broker.PostAsync("/broker/down", null, ct)).EnsureSuccessStatusCode();
                try
                {
                    await Task.Delay(fault.Length, ct);
                }
                finally
                {
                    (await broker.PostAsync("/broker/up", null, CancellationToken.None)).EnsureSuccessStatusCode();
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault.Kind, "no such fault");
        }
    }

    private static async Task PauseAsync(int port, TimeSpan length, CancellationToken ct)
    {
        using var paused = ProcessFaults.Pause(port);
        await Task.Delay(length, ct);
    }

    private async Task KillAndRestartAsync(int port, string resource, TimeSpan length, CancellationToken ct)
    {
        ProcessFaults.Kill(port);
        try
        {
            await Task.Delay(length, ct);
        }
        finally
        {
            // Even when the run is cancelled: the stack is left as it was found.
            await stack.RestartAsync(resource, CancellationToken.None);
        }
    }
}
