using Marten;
using Marten.Services.BatchQuerying;
using Referrals.Service.Clients;
using Referrals.Service.Features.Referrals;

namespace Referrals.Service.Features.Program;

/// <summary>
/// Loads what <see cref="FraudCheck"/> judges a referred order by, for the conversion (ConvertOrder's LoadAsync): the
/// advocate's block, and only the counts the shop's rules that are on need. Core's answer first
/// (<see cref="BuyerOrdersAsync"/>), then the database's with the rest of the conversion's batch of the shop
/// (<see cref="Load"/>): one round trip for all of it.
/// </summary>
public static class ConversionFraud
{
    /// <summary>The buyer's order count when the new-customers rule is on: Shopify's when the order carried it, else Core's.</summary>
    public static async Task<int?> BuyerOrdersAsync(CoreCustomers core, FraudRules rules, Guid shopId, Guid buyerId,
        int? shopifyOrdersCount, CancellationToken ct) =>
        rules.NewCustomersOnly == FraudAction.Off ? null : shopifyOrdersCount ?? await core.OrderCountAsync(shopId, buyerId, ct);

    /// <summary>Queues the rules' reads on <paramref name="batch"/>; the facts are there once the batch ran.</summary>
    public static async Task<FraudFacts> Load(IBatchedQuery batch, FraudRules rules, Referral referral, Guid buyerId, int? buyerOrders,
        decimal? subtotal, decimal? totalDiscounts, string? currency, string? browserFingerprint, DateTimeOffset now)
    {
        var blocked = batch.Load<BlockedAdvocate>(referral.CustomerId);

        var advocateConversions = Task.FromResult(0L);
        if (rules.AdvocateCap.Action != FraudAction.Off)
        {
            var since = now.AddDays(-rules.AdvocateCap.PeriodDays);
            advocateConversions = batch.Query<Referral>().Count(r => r.CustomerId == referral.CustomerId && r.Id != referral.Id
                && (r.Status == ReferralStatus.Completed || r.Status == ReferralStatus.Rewarded) && r.CompletedAt >= since);
        }

        var buyerConverted = rules.OneReferralPerBuyer == FraudAction.Off
            ? Task.FromResult(false)
            : batch.Query<Referral>().Any(r => r.BuyerId == buyerId && r.Id != referral.Id
                && (r.Status == ReferralStatus.InProgress || r.Status == ReferralStatus.Completed || r.Status == ReferralStatus.Rewarded));

        var sameBrowser = Task.FromResult(0L);
        if (rules.Velocity.Action != FraudAction.Off && browserFingerprint is not null)
        {
            var since = now.AddHours(-rules.Velocity.WindowHours);
            sameBrowser = batch.Query<Referral>().Count(r => r.BrowserFingerprint == browserFingerprint && r.Id != referral.Id
                && r.FraudCheckedAt >= since);
        }

        return new FraudFacts(await blocked is not null, buyerOrders, subtotal, totalDiscounts, currency,
            (int)await advocateConversions, await buyerConverted, (int)await sameBrowser);
    }
}
