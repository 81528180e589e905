using Marten;
using Referrals.Service.Clients;
using Referrals.Service.Features.Referrals;

namespace Referrals.Service.Features.Program;

/// <summary>
/// Loads what <see cref="FraudCheck"/> judges a referred order by, for the conversion (ConvertOrder's LoadAsync): the
/// advocate's block, and only the counts the shop's rules that are on need. Run in a session of the shop.
/// </summary>
public static class ConversionFraud
{
    public static async Task<FraudFacts> LoadAsync(IQuerySession db, CoreCustomers core, FraudRules rules, Guid shopId, Referral referral,
        Guid buyerId, int? shopifyOrdersCount, decimal? subtotal, decimal? totalDiscounts, string? currency, string? browserFingerprint,
        DateTimeOffset now, CancellationToken ct)
    {
        var blocked = await db.LoadAsync<BlockedAdvocate>(referral.CustomerId, ct) is not null;
        var orders = rules.NewCustomersOnly == FraudAction.Off ? null
            : shopifyOrdersCount ?? await core.OrderCountAsync(shopId, buyerId, ct);

        var advocateConversions = 0;
        if (rules.AdvocateCap.Action != FraudAction.Off)
        {
            var since = now.AddDays(-rules.AdvocateCap.PeriodDays);
            advocateConversions = await db.Query<Referral>().CountAsync(r => r.CustomerId == referral.CustomerId && r.Id != referral.Id
                && (r.Status == ReferralStatus.Completed || r.Status == ReferralStatus.Rewarded) && r.CompletedAt >= since, ct);
        }

        var buyerConverted = rules.OneReferralPerBuyer != FraudAction.Off
            && await db.Query<Referral>().AnyAsync(r => r.BuyerId == buyerId && r.Id != referral.Id
                && (r.Status == ReferralStatus.InProgress || r.Status == ReferralStatus.Completed || r.Status == ReferralStatus.Rewarded), ct);

        var sameBrowser = 0;
        if (rules.Velocity.Action != FraudAction.Off && browserFingerprint is not null)
        {
            var since = now.AddHours(-rules.Velocity.WindowHours);
            sameBrowser = await db.Query<Referral>().CountAsync(r => r.BrowserFingerprint == browserFingerprint && r.Id != referral.Id
                && r.FraudCheckedAt >= since, ct);
        }

        return new FraudFacts(blocked, orders, subtotal, totalDiscounts, currency, advocateConversions, buyerConverted, sameBrowser);
    }
}
