using Marten;

namespace Referrals.Service.Features.Links;

/// <summary>The named query other slices use for a referrer's referrals (privacy requests).</summary>
public static class ReferralsOfCustomer
{
    /// <param name="db">A session of the shop (tenant).</param>
    public static async Task<IReadOnlyList<Referral>> ListAsync(IQuerySession db, Guid customerId, CancellationToken ct) =>
        await db.Query<Referral>().Where(r => r.CustomerId == customerId).OrderBy(r => r.CreatedAt).ToListAsync(ct);
}
