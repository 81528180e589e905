using System.Diagnostics.Metrics;
using StackExchange.Redis;

namespace Referrals.Service.Caching;

/// <summary>
/// How long one Redis command may take (`Redis:CommandTimeoutMilliseconds`, 250) and when the breaker opens: after
/// `Redis:Breaker:FailuresToOpen` (3) failures in a row, for `Redis:Breaker:OpenSeconds` (5).
/// </summary>
public sealed record RedisBreakerOptions(TimeSpan CommandTimeout, int FailuresToOpen, TimeSpan OpenFor)
{
    public static RedisBreakerOptions From(IConfiguration configuration) => new(
        TimeSpan.FromMilliseconds(configuration.GetValue("Redis:CommandTimeoutMilliseconds", 250)),
        Math.Max(1, configuration.GetValue("Redis:Breaker:FailuresToOpen", 3)),
        TimeSpan.FromSeconds(configuration.GetValue("Redis:Breaker:OpenSeconds", 5.0)));
}

/// <summary>
/// Redis could not answer: no connection, no answer within the command timeout, or the breaker skipped it
/// (<see cref="SkippedByBreaker"/>: nothing was sent).
/// </summary>
public sealed class RedisUnavailableException : RedisException
{
    public RedisUnavailableException(string message) : base(message) => SkippedByBreaker = true;

    public RedisUnavailableException(string message, Exception innerException) : base(message, innerException) { }

    public bool SkippedByBreaker { get; }
}

/// <summary>
/// The one circuit breaker in front of Redis: every caller's commands go through <see cref="RunAsync{T}"/>. Redis is a
/// fast path, never a wait: a command gets <see cref="RedisBreakerOptions.CommandTimeout"/>, and after
/// <see cref="RedisBreakerOptions.FailuresToOpen"/> failures in a row (no connection, a timeout) the breaker opens and
/// every command fails at once for <see cref="RedisBreakerOptions.OpenFor"/>, so requests do not each pay the timeout.
/// Then one command goes through as a probe (half-open): its success closes the breaker, its failure opens it again.
/// An error reply (RedisServerException: NOPERM, WRONGTYPE) is Redis answering, not Redis away.
/// `referrals_redis_breaker_open` is 1 while commands are skipped; each opening and closing is one Warning.
/// </summary>
public sealed class RedisBreaker
{
    public const string MeterName = "Referrals.Redis";
    public const string MetricName = "referrals_redis_breaker_open";

    private enum State { Closed, Open, HalfOpen }

    private readonly RedisBreakerOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<RedisBreaker> _logger;
    private readonly Lock _gate = new();
    private State _state = State.Closed;
    private int _failuresInARow;
    private DateTimeOffset _probeAt;

    public RedisBreaker(RedisBreakerOptions options, TimeProvider clock, ILogger<RedisBreaker> logger, IMeterFactory meters)
    {
        _options = options;
        _clock = clock;
        _logger = logger;
        meters.Create(MeterName).CreateObservableGauge(MetricName, () => IsOpen ? 1 : 0,
            description: "1 while the Redis circuit breaker skips Redis (open, or waiting for its probe), else 0");
    }

    /// <summary>True while commands are skipped (open, or half-open with its probe under way).</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate)
                return _state != State.Closed;
        }
    }

    /// <summary>Redis away, as the breaker and the message handlers' retry rule count it (not an error reply).</summary>
    public static bool IsRedisAway(Exception e) =>
        e is RedisUnavailableException or RedisConnectionException or RedisTimeoutException;

    /// <summary>
    /// Runs one Redis command; throws <see cref="RedisUnavailableException"/> at once while the breaker is open, and
    /// when the command cannot reach Redis or takes longer than the command timeout.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> command)
    {
        if (!TryPass())
            throw new RedisUnavailableException("Redis skipped: the circuit breaker is open");
        try
        {
            var answer = await command().WaitAsync(_options.CommandTimeout, _clock);
            Succeeded();
            return answer;
        }
        catch (RedisServerException)
        {
            Succeeded();
            throw;
        }
        // RedisTimeoutException is a TimeoutException, not a RedisException; WaitAsync's is a plain TimeoutException.
        // A connection torn down under a command (Redis killed) surfaces from its pipe as InvalidOperationException
        // ("Writing is not allowed after writer was completed") or IOException, or as a cancelled task: commands take no
        // caller's token, so a cancellation can only be the connection's.
        catch (Exception e) when (e is RedisException or TimeoutException or InvalidOperationException or IOException
                                      or OperationCanceledException)
        {
            Failed(e);
            throw new RedisUnavailableException($"Redis did not answer ({e.GetType().Name})", e);
        }
    }

    /// <summary>The fast path: the command's answer, or <paramref name="fallback"/> when Redis cannot give one now.</summary>
    public async Task<T> OrElseAsync<T>(Func<Task<T>> command, T fallback)
    {
        try
        {
            return await RunAsync(command);
        }
        catch (RedisUnavailableException)
        {
            return fallback;
        }
        catch (RedisServerException e)
        {
            _logger.LogWarning("Redis refused a fast-path command ({RedisError}); going on without it", e.Message);
            return fallback;
        }
    }

    /// <summary>Whether a command may go to Redis now: always while closed, one probe once the open time is over.</summary>
    public bool TryPass()
    {
        lock (_gate)
        {
            if (_state == State.Closed)
                return true;
            var now = _clock.GetUtcNow();
            if (now < _probeAt)
                return false;
            // One probe; should it never report (cancelled), the next one goes after another open period.
            _state = State.HalfOpen;
            _probeAt = now + _options.OpenFor;
            return true;
        }
    }

    public void Succeeded()
    {
        lock (_gate)
        {
            _failuresInARow = 0;
            if (_state == State.Closed)
                return;
            _state = State.Closed;
        }
        _logger.LogWarning("Redis answers again: circuit breaker closed, Redis is used again");
    }

    public void Failed(Exception failure)
    {
        lock (_gate)
        {
            if (_state == State.Open)
                return; // a command sent before the breaker opened
            if (_state == State.Closed && ++_failuresInARow < _options.FailuresToOpen)
                return;
            var probeFailed = _state == State.HalfOpen;
            _state = State.Open;
            _probeAt = _clock.GetUtcNow() + _options.OpenFor;
            if (probeFailed)
            {
                _logger.LogDebug("Redis probe failed ({RedisFailure}); Redis skipped for another {OpenSeconds} s",
                    failure.GetType().Name, _options.OpenFor.TotalSeconds);
                return;
            }
        }
        _logger.LogWarning("Redis unavailable ({RedisFailure}): circuit breaker open, Redis skipped for {OpenSeconds} s; " +
            "caches are bypassed, idempotency falls back to Postgres, destructive calls are refused",
            failure.GetType().Name, _options.OpenFor.TotalSeconds);
    }
}
