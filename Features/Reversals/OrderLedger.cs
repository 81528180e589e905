namespace Referrals.Service.Features.Reversals;

/// <summary>
/// What this service knows of one Shopify order of a shop (id = order id, tenant = shop_id): the referral it converted
/// (or cancelled), its subtotal, and its reversals — cancelled, and the refunds by refund id with their sum. Written by
/// the conversion and by every reversal, with optimistic concurrency, so a reversal that arrives before the
/// conversion was processed is remembered here and the conversion finds it; whichever commits second retries and
/// sees the other. Amounts only: no PII.
/// </summary>
public sealed record OrderLedger(long Id, DateTimeOffset UpdatedAt)
{
    /// <summary>The referral the order converted, or cancelled because its reversal came first. Null: none (yet).</summary>
    public Guid? ReferralId { get; init; }

    /// <summary>The order's subtotal_price (after discounts, before shipping and taxes) from orders/create. Null: unknown.</summary>
    public decimal? Subtotal { get; init; }

    public string? Currency { get; init; }

    public bool Cancelled { get; init; }

    /// <summary>The sum of the order's refunds seen so far (<see cref="RefundIds"/>), in <see cref="Currency"/>.</summary>
    public decimal Refunded { get; init; }

    public IReadOnlyList<long> RefundIds { get; init; } = [];

    /// <summary>order_cancelled or order_refunded once the order reversed its referral; later reversals change nothing.</summary>
    public string? ReversedWith { get; init; }
}
