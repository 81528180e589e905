using Referrals.Service.Features.Referrals;

namespace Referrals.Service.Features.Reversals;

/// <summary>
/// The reversal rules, pure. A cancellation always reverses (reason order_cancelled). Refunds add up per order (each
/// refund id once): they reverse (order_refunded) when their sum reaches the shop's MinRefundFractionToReverse of the
/// order's subtotal; below it they are counted and wait for the next refund. An order whose subtotal is unknown (a
/// conversion accepted before subtotals were kept) is reversed by any refund.
/// </summary>
public static class OrderReversalRules
{
    /// <summary>The ledger with <paramref name="reversal"/> in it; the same instance when it was already in it (a redelivery).</summary>
    public static OrderLedger Apply(OrderLedger ledger, ReverseOrder reversal, DateTimeOffset now) => reversal.Kind switch
    {
        ReversalKind.Cancel when ledger.Cancelled => ledger,
        ReversalKind.Cancel => ledger with { Cancelled = true, UpdatedAt = now },
        _ when reversal.RefundId is not { } refundId || ledger.RefundIds.Contains(refundId) => ledger,
        _ => ledger with
        {
            Refunded = ledger.Refunded + reversal.Amount,
            Currency = ledger.Currency ?? reversal.Currency,
            RefundIds = [.. ledger.RefundIds, reversal.RefundId!.Value],
            UpdatedAt = now,
        },
    };

    /// <summary>Why the order's reversals undo its conversion (order_cancelled, order_refunded), or null: they do not (yet).</summary>
    public static string? ReversingReason(OrderLedger ledger, double minRefundFraction)
    {
        if (ledger.Cancelled)
            return ReferralReason.OrderCancelled;
        if (ledger.Refunded <= 0)
            return null;
        if (ledger.Subtotal is not > 0m)
            return ReferralReason.OrderRefunded;
        return ledger.Refunded >= ledger.Subtotal.Value * (decimal)minRefundFraction ? ReferralReason.OrderRefunded : null;
    }

    /// <summary>The amount referral.reversed claws back on: the refunds' sum, or the subtotal for a cancellation.</summary>
    public static decimal AmountReversed(OrderLedger ledger) =>
        ledger.Cancelled && ledger.Refunded == 0 ? ledger.Subtotal ?? 0 : ledger.Refunded;
}
