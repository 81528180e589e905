using System.Text.Json;
using System.Text.Json.Serialization;
using Marten;
using Referrals.Service.Tenancy;
using Referrals.Service.Caching;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Messaging;

namespace Referrals.Service.Features.StatusReads;

/// <summary>
/// What GetReferralStatus needs of a referral, as cached in Redis. No PII: the customer is an id. Reason is a
/// <see cref="ReferralReason"/> code (free-text status reasons are not on the wire); Converted: an order converted it
/// (or its reversal cancelled it), so it carries a reward. An entry cached before these fields existed reads them as none.
/// </summary>
public sealed record ReferralStatusView(Guid ReferralId, Guid CustomerId, string ReferralLinkId, ReferralStatus Status,
    DateTimeOffset UpdatedAt, string? Reason = null, DateTimeOffset? HoldUntil = null, ReferralBonus? Bonus = null,
    bool Converted = false)
{
    public static ReferralStatusView Of(Referral referral) => new(referral.Id, referral.CustomerId, referral.ReferralLinkId,
        referral.Status, referral.UpdatedAt, ReferralReason.All.Contains(referral.StatusReason) ? referral.StatusReason : null,
        referral.HoldUntil, referral.Bonus, referral.OrderId is not null);
}

/// <summary>
/// A referral's status through Redis `referral:{shop_id}:{referral_id}` (1 h) in front of Marten. The Postgres
/// read runs as the runtime role under row-level security for the shop. Redis down: Postgres answers.
/// </summary>
public sealed class ReadReferralStatus(IDocumentStore store, ShopRowLevelSecurity security, CacheEntries cache)
{
    private static readonly JsonSerializerOptions CacheJson = new(WireJson.Options)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <returns>the view (null when the shop has no such referral) and whether Redis answered.</returns>
    public async Task<(ReferralStatusView? View, bool FromCache)> ReadAsync(Guid shopId, Guid referralId, CancellationToken ct)
    {
        var key = ReferralStatusCache.Key(shopId, referralId);
        if (await cache.TryGetAsync(key) is { } cached)
            return (JsonSerializer.Deserialize<ReferralStatusView>(cached, CacheJson), true);

        var referral = await security.ReadAsShopAsync(shopId, async transaction =>
        {
            var options = Marten.Services.SessionOptions.ForTransaction(transaction);
            options.TenantId = shopId.ToString();
            await using var session = store.QuerySession(options);
            return await ReferralQueries.ByIdAsync(session, referralId, ct);
        }, ct);
        if (referral is null)
            return (null, false);

        var view = ReferralStatusView.Of(referral);
        await cache.TrySetAsync(key, JsonSerializer.Serialize(view, CacheJson), ReferralStatusCache.CacheFor);
        return (view, false);
    }
}
