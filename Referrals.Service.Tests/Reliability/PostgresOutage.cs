using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// Postgres away for the length of a <c>using</c>: stopped (connections refused) or paused (SIGSTOP: connections are
/// accepted and nothing answers, like a partition or a stuck primary). Disposing brings it back and waits until the
/// service is ready again, so the next test meets a whole stack.
/// </summary>
public sealed class PostgresOutage : IAsyncDisposable
{
    public const string Stopped = "stopped";
    public const string Paused = "paused";

    private readonly ReferralsApp _app;
    private readonly IDisposable _expected;
    private readonly IDisposable? _paused;

    private PostgresOutage(ReferralsApp app, IDisposable expected, IDisposable? paused) => (_app, _expected, _paused) = (app, expected, paused);

    /// <summary>
    /// What Wolverine's own agents (heartbeat, durability polling, scheduled jobs, health checks) and the service's
    /// health check log at Error while their database is away: connections refused, timed out, or ended by a shutdown.
    /// </summary>
    private static readonly string[] WhatAnOutageLogs =
    [
        "Npgsql.NpgsqlException (0x80004005): Failed to connect to",
        "Npgsql.NpgsqlException (0x80004005): The operation has timed out",
        "Npgsql.NpgsqlException (0x80004005): Exception while reading from stream",
        "Npgsql.NpgsqlException (0x80004005): Exception while writing to stream",
        "Npgsql.PostgresException (0x80004005): 57P01: terminating connection due to administrator command",
        "Npgsql.PostgresException (0x80004005): 57P03: the database system is",
        "Health check PostgreSql with status Unhealthy",
    ];

    public static async Task<PostgresOutage> BeginAsync(ReferralsApp app, string kind, CancellationToken ct)
    {
        var expected = app.ExpectErrorLogs(WhatAnOutageLogs);
        if (kind == Paused)
            return new PostgresOutage(app, expected, ProcessFaults.Pause(app.Ports.Postgres));
        await app.StopResourceAsync("postgres", ct);
        return new PostgresOutage(app, expected, null);
    }

    public async ValueTask DisposeAsync()
    {
        // Not the test's token: the stack must come back even when the test was cancelled.
        using var restore = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var _ = _expected;
        if (_paused is null)
        {
            await _app.StartResourceAsync("postgres", restore.Token);
            return;
        }
        _paused.Dispose();
        using var http = _app.CreateHttpClient();
        await Eventually.ReturnsAsync(async () =>
        {
            try
            {
                using var ready = await http.GetAsync("/ready", restore.Token);
                return ready.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, isReady => isReady, TimeSpan.FromSeconds(60), restore.Token);
    }
}
