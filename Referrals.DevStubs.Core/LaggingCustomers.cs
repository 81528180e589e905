// DEVELOPMENT/TEST ONLY. Shopify customers whose Core record has not arrived yet: GetCustomerByShopifyId answers
// NOT_FOUND for them until they are known (POST /control/known) or the stub is reset, as a new customer's record can lag
// their first order.
namespace Referrals.DevStubs.Core;

public sealed class LaggingCustomers
{
    private readonly Lock _gate = new();
    private readonly HashSet<long> _notYetKnown = [];

    public void Lag(long shopifyCustomerId)
    {
        lock (_gate)
        {
            _notYetKnown.Add(shopifyCustomerId);
        }
    }

    public void Know(long shopifyCustomerId)
    {
        lock (_gate)
        {
            _notYetKnown.Remove(shopifyCustomerId);
        }
    }

    public bool IsLagging(long shopifyCustomerId)
    {
        lock (_gate)
        {
            return _notYetKnown.Contains(shopifyCustomerId);
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _notYetKnown.Clear();
        }
    }
}
