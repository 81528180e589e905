using System.Text.Json.Serialization;
using Referrals.Service.Features.DeadLetters;

namespace Referrals.Service.Features.Tiers;

/// <summary>
/// `vip_tier.assigned` as the Campaign service publishes it (plain JSON, snake_case, key = shop_id). Every field
/// is optional here so that an incomplete event is read, named and dead-lettered rather than lost in the listener.
/// </summary>
public sealed record VipTierAssigned(
    Guid? EventId,
    Guid? CustomerId,
    Guid? ShopId,
    string? TierId,
    DateTimeOffset? AssignedAt)
{
    public const string EventType = "vip_tier.assigned";

    /// <summary>Why the bytes on the topic are not this event (not JSON, wrong types); null when they are.</summary>
    [JsonIgnore]
    public string? Unreadable { get; init; }

    public static VipTierAssigned NotReadable(string why) => new(null, null, null, null, null) { Unreadable = why };

    /// <summary>The event with its required fields, or the <see cref="RejectedTierEventException"/> that says what is wrong.</summary>
    public (Guid EventId, Guid CustomerId, Guid ShopId, string TierId, DateTimeOffset AssignedAt) Required()
    {
        if (Unreadable is not null)
            throw new RejectedTierEventException("malformed_payload", $"vip_tier.assigned is not readable JSON of the event: {Unreadable}");

        var missing = new List<string>();
        if (EventId is null || EventId == Guid.Empty)
            missing.Add("event_id");
        if (CustomerId is null || CustomerId == Guid.Empty)
            missing.Add("customer_id");
        if (ShopId is null || ShopId == Guid.Empty)
            missing.Add("shop_id");
        if (string.IsNullOrWhiteSpace(TierId) || TierId.Length > 64)
            missing.Add("tier_id");
        if (AssignedAt is null)
            missing.Add("assigned_at");
        if (missing.Count > 0)
            throw new RejectedTierEventException("missing_fields", $"vip_tier.assigned lacks {string.Join(", ", missing)}");

        return (EventId!.Value, CustomerId!.Value, ShopId!.Value, TierId!, AssignedAt!.Value);
    }
}

/// <summary>A `vip_tier.assigned` that no retry can fix; <see cref="ErrorType"/> labels referrals_errors_total.</summary>
public sealed class RejectedTierEventException(string errorType, string reason) : Exception(reason), IHasErrorType
{
    public string ErrorType { get; } = errorType;
}
