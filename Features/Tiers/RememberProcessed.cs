using Referrals.Service.Idempotency;

namespace Referrals.Service.Features.Tiers;

/// <summary>
/// Sets Redis `processed:{shop_id}:{event_id}` once the event's processing committed (it is cascaded through the
/// outbox): set earlier, a failed commit would make the retry look like a duplicate.
/// </summary>
public sealed record RememberProcessed(Guid ShopId, string EventId);

public static class RememberProcessedHandler
{
    public static Task Handle(RememberProcessed processed, RecentEvents recentEvents) =>
        recentEvents.RememberAsync(processed.ShopId, processed.EventId);
}
