namespace Referrals.Service.Features.DeadLetters;

/// <summary>
/// When each failing message first failed, by envelope id, in this instance's memory: what
/// <see cref="SharedFirstFailures"/> answers from when its Postgres note could not be written (Postgres being the
/// failure). A scheduled retry is reloaded from the durable inbox as it was first stored, without headers added since,
/// so the time cannot travel with the message. Bounded: at most <c>capacity</c> entries, and none
/// older than an hour (a retry that succeeded is never taken); the oldest goes first, so a note costs O(1)
/// however many messages fail at once. A message whose note was evicted reports its park time, as after a restart.
/// </summary>
public sealed class FirstFailures
{
    public const int DefaultCapacity = 10_000;

    private static readonly TimeSpan Forget = TimeSpan.FromHours(1);

    private readonly TimeProvider _clock;
    private readonly int _capacity;
    private readonly Dictionary<Guid, LinkedListNode<(Guid Id, DateTimeOffset At)>> _byId = [];
    private readonly LinkedList<(Guid Id, DateTimeOffset At)> _oldestFirst = new();
    private readonly Lock _lock = new();

    public FirstFailures(TimeProvider clock, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _clock = clock;
        _capacity = capacity;
    }

    public int Count
    {
        get
        {
            lock (_lock)
                return _byId.Count;
        }
    }

    /// <summary>Notes the first failure of <paramref name="envelopeId"/>; a later failure of the same message changes nothing.</summary>
    public void Note(Guid envelopeId)
    {
        var now = _clock.GetUtcNow();
        lock (_lock)
        {
            if (_byId.ContainsKey(envelopeId))
                return;
            _byId[envelopeId] = _oldestFirst.AddLast((envelopeId, now));
            // Each entry is evicted at most once: amortised O(1) per note, never a scan.
            while (_oldestFirst.First is { } oldest && (_byId.Count > _capacity || now - oldest.Value.At > Forget))
            {
                _oldestFirst.RemoveFirst();
                _byId.Remove(oldest.Value.Id);
            }
        }
    }

    /// <summary>When <paramref name="envelopeId"/> first failed, forgetting it; null when it was never noted (or evicted).</summary>
    public DateTimeOffset? Take(Guid envelopeId)
    {
        lock (_lock)
        {
            if (!_byId.Remove(envelopeId, out var node))
                return null;
            _oldestFirst.Remove(node);
            return node.Value.At;
        }
    }
}
