// DEVELOPMENT/TEST ONLY. Makes the Core stub fail on demand, so tests can drive the service's retry and fallback paths.
// Starts from DevCore:FailMode; flipped at runtime through the /control endpoints (see Program.cs).
using Grpc.Core;

namespace Referrals.DevStubs.Core;

public sealed record FaultState(string? FailStatus, int FailRemaining, long CallsTotal, long CallsFailed);

public sealed class FaultSwitch
{
    public const int UntilReset = -1;

    private readonly Lock _gate = new();
    private StatusCode? _failStatus;
    private int _failRemaining;
    private TimeSpan _failDelay;
    private long _callsTotal;
    private long _callsFailed;

    /// <summary>Empty or "None": healthy; a gRPC status name: every call fails with it until reset.</summary>
    public static FaultSwitch FromFailMode(string? failMode)
    {
        var faults = new FaultSwitch();
        if (string.IsNullOrWhiteSpace(failMode) || failMode.Equals("None", StringComparison.OrdinalIgnoreCase))
        {
            return faults;
        }

        if (!TryParseStatus(failMode, out var status))
        {
            throw new InvalidOperationException(
                $"DevCore:FailMode '{failMode}' is neither empty, None, nor a gRPC status name other than OK (e.g. Unavailable).");
        }

        faults.Fail(status, UntilReset);
        return faults;
    }

    /// <summary>Parses a gRPC status name (case-insensitive), e.g. "Unavailable". OK and numbers are refused.</summary>
    public static bool TryParseStatus(string? name, out StatusCode status)
    {
        status = default;
        var match = Enum.GetNames<StatusCode>().FirstOrDefault(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (match is null || match == nameof(StatusCode.OK))
        {
            return false;
        }

        status = Enum.Parse<StatusCode>(match);
        return true;
    }

    /// <summary>
    /// Counts a call; throws the injected status when this call is one of those told to fail, after the failure's delay
    /// (a Core that is slow to fail, so that a test can act while a call is in flight).
    /// </summary>
    public async Task OnCallAsync()
    {
        StatusCode status;
        TimeSpan delay;
        lock (_gate)
        {
            _callsTotal++;
            if (_failStatus is null)
            {
                return;
            }

            status = _failStatus.Value;
            delay = _failDelay;
            _callsFailed++;
            if (_failRemaining > 0 && --_failRemaining == 0)
            {
                _failStatus = null;
            }
        }

        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay);
        }

        throw new RpcException(new Status(status, $"fault injected by the Core dev stub ({status})"));
    }

    /// <param name="count">How many of the next calls fail; <see cref="UntilReset"/> for all of them.</param>
    /// <param name="delay">How long each failing call takes before it fails.</param>
    public FaultState Fail(StatusCode status, int count, TimeSpan delay = default)
    {
        if (status == StatusCode.OK)
        {
            throw new ArgumentOutOfRangeException(nameof(status), "OK is not a failure.");
        }

        if (count is not UntilReset and < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "count must be -1 (until reset) or at least 1.");
        }

        lock (_gate)
        {
            _failStatus = status;
            _failRemaining = count;
            _failDelay = delay;
            return Snapshot();
        }
    }

    /// <summary>Stops failing and zeroes the counters.</summary>
    public FaultState Reset()
    {
        lock (_gate)
        {
            _failStatus = null;
            _failRemaining = 0;
            _failDelay = TimeSpan.Zero;
            _callsTotal = 0;
            _callsFailed = 0;
            return Snapshot();
        }
    }

    public FaultState State()
    {
        lock (_gate)
        {
            return Snapshot();
        }
    }

    private FaultState Snapshot() => new(_failStatus?.ToString(), _failRemaining, _callsTotal, _callsFailed);
}
