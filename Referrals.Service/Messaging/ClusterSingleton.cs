using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Wolverine.Runtime.Agents;

namespace Referrals.Service.Messaging;

/// <summary>
/// Scheduled work that runs on one instance of the cluster: a Wolverine singular agent, which the cluster's leader
/// assigns to exactly one node and moves to a survivor when that node dies (<see cref="ClusterDurability"/>). It
/// runs once when it starts on a node, then every <see cref="Every"/>; a failure is a warning and waits for the next run.
/// Register with <c>services.AddSingularAgent&lt;T&gt;()</c>.
/// </summary>
public abstract class ClusterSingleton : SingularAgent, IDisposable
{
    private readonly string _job;
    private readonly ClusterSingletons _running;
    private CancellationTokenSource? _stopping;
    private Task? _schedule;

    protected ClusterSingleton(string job, ClusterSingletons running, TimeProvider clock, ILogger logger) : base(job)
    {
        (_job, _running, Clock, Logger) = (job, running, clock, logger);
        running.Known(job);
    }

    protected TimeProvider Clock { get; }

    protected ILogger Logger { get; }

    protected abstract TimeSpan Every { get; }

    protected abstract Task RunOnceAsync(CancellationToken ct);

    protected override Task startAsync(CancellationToken cancellationToken)
    {
        _stopping = new CancellationTokenSource();
        var stopping = _stopping.Token;
        _schedule = Task.Run(() => ScheduleAsync(stopping), CancellationToken.None);
        _running.Started(_job);
        Logger.LogInformation("{Job} runs on this instance", _job);
        return Task.CompletedTask;
    }

    protected override async Task stopAsync(CancellationToken cancellationToken)
    {
        _running.Stopped(_job);
        if (_stopping is null || _schedule is null)
            return;
        await _stopping.CancelAsync();
        try
        {
            await _schedule.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        _stopping.Dispose();
        (_stopping, _schedule) = (null, null);
    }

    private async Task ScheduleAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Every, Clock);
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(ct);
                    _running.Ran(_job);
                }
                // Whatever fails, the schedule must outlive it.
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Logger.LogWarning(e, "{Job} failed; retried at the next run", _job);
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
            _stopping?.Dispose();
    }
}

/// <summary>
/// Which cluster singletons run on this instance: <c>referrals_cluster_singleton_running{job}</c> is 1 on the one
/// instance that runs the job and 0 elsewhere (<c>sum by (job)</c> is 1 in a healthy cluster), and
/// <c>referrals_cluster_singleton_runs_total{job}</c> counts this instance's runs.
/// </summary>
public sealed class ClusterSingletons
{
    public const string MeterName = "Referrals.Cluster";

    private readonly ConcurrentDictionary<string, int> _running = new(StringComparer.Ordinal);
    private readonly Counter<long> _runs;

    public ClusterSingletons(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("referrals_cluster_singleton_running",
            () => _running.Select(job => new Measurement<int>(job.Value, new KeyValuePair<string, object?>("job", job.Key))),
            description: "1 on the instance that runs this cluster-wide singleton job, 0 on the others");
        _runs = meter.CreateCounter<long>("referrals_cluster_singleton_runs_total",
            description: "Runs of a cluster-wide singleton job on this instance");
    }

    public void Known(string job) => _running.TryAdd(job, 0);

    public void Started(string job) => _running[job] = 1;

    public void Stopped(string job) => _running[job] = 0;

    public void Ran(string job) => _runs.Add(1, new KeyValuePair<string, object?>("job", job));
}
