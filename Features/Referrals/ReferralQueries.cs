using Marten;
using Marten.Services.BatchQuerying;
using Referrals.Service.Features.Links;

namespace Referrals.Service.Features.Referrals;

/// <summary>
/// The named queries other slices read referrals through. Every one takes a session of the shop (tenant), so it
/// sees that shop's referrals only.
/// </summary>
public static class ReferralQueries
{
    public static Task<Referral?> ByIdAsync(IQuerySession db, Guid referralId, CancellationToken ct) =>
        db.LoadAsync<Referral>(referralId, ct);

    /// <summary>The referral an order's referral code (a referral_link_id) names.</summary>
    public static Task<Referral?> ByLinkIdAsync(IQuerySession db, string referralLinkId, CancellationToken ct) =>
        db.Query<Referral>().FirstOrDefaultAsync(r => r.ReferralLinkId == referralLinkId, ct);

    /// <summary>The same, read with the rest of a batch of the shop (one round trip for all of it).</summary>
    public static Task<Referral?> ByLinkId(IBatchedQuery batch, string referralLinkId) =>
        batch.Query<Referral>().FirstOrDefault(r => r.ReferralLinkId == referralLinkId);

    /// <summary>
    /// The referral a customer's CreateReferral request_id already made, if any. The key is the caller's own (shop by
    /// the session, customer, request_id): another customer's request with the same request_id is not theirs.
    /// </summary>
    public static Task<Referral?> ByRequestIdAsync(IQuerySession db, Guid customerId, string requestId, CancellationToken ct) =>
        db.Query<Referral>().FirstOrDefaultAsync(r => r.CustomerId == customerId && r.RequestId == requestId, ct);

    /// <summary>A referrer's referrals, oldest first (privacy requests).</summary>
    public static async Task<IReadOnlyList<Referral>> OfCustomerAsync(IQuerySession db, Guid customerId, CancellationToken ct) =>
        await db.Query<Referral>().Where(r => r.CustomerId == customerId).OrderBy(r => r.CreatedAt).ToListAsync(ct);

    /// <summary>The referrals a customer's orders converted, reviewed or were rejected for: the customer as buyer (privacy requests).</summary>
    public static async Task<IReadOnlyList<Referral>> BoughtByAsync(IQuerySession db, Guid buyerId, CancellationToken ct) =>
        await db.Query<Referral>().Where(r => r.BuyerId == buyerId).ToListAsync(ct);

    /// <summary>A referrer's referrals that converted and carry no reward yet (status completed).</summary>
    public static async Task<IReadOnlyList<Referral>> ConvertedOfCustomerAsync(IQuerySession db, Guid customerId, CancellationToken ct) =>
        await db.Query<Referral>().Where(r => r.CustomerId == customerId && r.Status == ReferralStatus.Completed).ToListAsync(ct);
}
