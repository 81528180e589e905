using System.Threading.RateLimiting;
using Wolverine;
using Referrals.Service.Messaging;

namespace Referrals.Service.Features.Replay;

/// <summary>
/// Paces what arrives on referrals.replay to <c>Replay:RatePerSecond</c> (100) for the whole cluster (one instance
/// listens to the topic, <see cref="ReplayModule"/>), so that a replay never crowds out live traffic. Tokens come every 100 ms (a tenth of a second's worth), so a
/// burst never exceeds a tenth of the rate.
/// </summary>
public sealed class ReplayPace : IDisposable
{
    public static readonly Uri Listener = new($"kafka://topic/{Topics.Replay}");

    private readonly TokenBucketRateLimiter _limiter;

    public ReplayPace(IConfiguration configuration)
    {
        RatePerSecond = configuration.GetValue("Replay:RatePerSecond", 100);
        if (RatePerSecond <= 0)
            throw new InvalidOperationException("Replay:RatePerSecond must be a positive number of events per second.");
        var perPeriod = Math.Max(1, RatePerSecond / 10);
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perPeriod,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds((double)perPeriod / RatePerSecond),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public int RatePerSecond { get; }

    public async ValueTask WaitAsync(CancellationToken ct)
    {
        using var lease = await _limiter.AcquireAsync(1, ct);
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>Wolverine middleware: a message from referrals.replay waits for its turn before its handler runs.</summary>
public static class PaceReplays
{
    public static ValueTask Before(Envelope envelope, ReplayPace pace, CancellationToken ct) =>
        envelope.Destination == ReplayPace.Listener ? pace.WaitAsync(ct) : ValueTask.CompletedTask;
}
