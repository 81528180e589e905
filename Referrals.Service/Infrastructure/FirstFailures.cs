using System.Collections.Concurrent;

namespace Referrals.Service.Infrastructure;

/// <summary>
/// When each failing message first failed, by envelope id, until it is parked (or forgotten an hour later if a
/// retry succeeded). Kept in memory because a scheduled retry is reloaded from the durable inbox as it was first
/// stored, without headers added since; after a restart, a message that was between retries reports its park time.
/// </summary>
public sealed class FirstFailures(TimeProvider clock)
{
    private const int PruneAbove = 1_000;
    private static readonly TimeSpan Forget = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _firstFailedAt = new();

    public void Note(Guid envelopeId)
    {
        var now = clock.GetUtcNow();
        _firstFailedAt.TryAdd(envelopeId, now);
        if (_firstFailedAt.Count <= PruneAbove)
            return;
        foreach (var (id, at) in _firstFailedAt)
        {
            if (now - at > Forget)
                _firstFailedAt.TryRemove(id, out _);
        }
    }

    public DateTimeOffset? Take(Guid envelopeId) => _firstFailedAt.TryRemove(envelopeId, out var at) ? at : null;
}
