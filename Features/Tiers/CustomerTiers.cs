using Wolverine.Marten;

namespace Referrals.Service.Features.Tiers;

/// <summary>What other slices may do with a customer's tier: forget it (privacy redaction).</summary>
public static class CustomerTiers
{
    public static IMartenOp Forget(Guid customerId) => MartenOps.Delete<CustomerTier>(customerId);

    public static IMartenOp ForgetAll() => MartenOps.DeleteWhere<CustomerTier>(_ => true);
}
