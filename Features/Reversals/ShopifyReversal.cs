using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Referrals.Service.Features.Reversals;

/// <summary>
/// The few fields of Shopify's orders/cancelled (an order) and refunds/create (a refund) payloads that a reversal
/// needs: ids and amounts. Names, addresses, notes and line item details are never bound, stored or logged.
/// </summary>
public static class ShopifyReversal
{
    private sealed record CancelledOrder([property: JsonPropertyName("id")] long? Id);

    private sealed record Refund(
        [property: JsonPropertyName("id")] long? Id,
        [property: JsonPropertyName("order_id")] long? OrderId,
        [property: JsonPropertyName("refund_line_items")] IReadOnlyList<RefundLineItem>? LineItems,
        [property: JsonPropertyName("transactions")] IReadOnlyList<Transaction>? Transactions);

    private sealed record RefundLineItem([property: JsonPropertyName("subtotal")] JsonElement Subtotal);

    private sealed record Transaction(
        [property: JsonPropertyName("kind")] string? Kind,
        [property: JsonPropertyName("status")] string? Status,
        [property: JsonPropertyName("amount")] JsonElement Amount,
        [property: JsonPropertyName("currency")] string? Currency);

    public sealed record Parsed(long OrderId, ReversalKind Kind, long? RefundId, decimal Amount, string? Currency)
    {
        public ReverseOrder ToReverseOrder(Guid shopId, string webhookId, DateTimeOffset receivedAt) =>
            new(shopId, webhookId, OrderId, Kind, RefundId, Amount, Currency, receivedAt);
    }

    /// <summary>An orders/cancelled body, or why it is not one (for a 400 problem detail).</summary>
    public static (Parsed? Reversal, string? Problem) ParseCancellation(ReadOnlySpan<byte> body)
    {
        if (!TryRead<CancelledOrder>(body, out var order, out var problem))
            return (null, problem);
        return order!.Id is > 0 ? (new Parsed(order.Id.Value, ReversalKind.Cancel, null, 0, null), null) : (null, "the order has no positive numeric 'id'");
    }

    /// <summary>
    /// A refunds/create body, or why it is not one. The amount is the refunded line items' subtotals (comparable to the
    /// order's subtotal); a refund without line items (shipping, an amount only) counts its successful refund transactions.
    /// </summary>
    public static (Parsed? Reversal, string? Problem) ParseRefund(ReadOnlySpan<byte> body)
    {
        if (!TryRead<Refund>(body, out var refund, out var problem))
            return (null, problem);
        if (refund!.Id is not > 0)
            return (null, "the refund has no positive numeric 'id'");
        if (refund.OrderId is not > 0)
            return (null, "the refund has no positive numeric 'order_id'");

        var refunds = (refund.Transactions ?? []).Where(t => t.Kind == "refund" && t.Status is null or "success").ToList();
        var lineItems = (refund.LineItems ?? []).Select(item => AmountOf(item.Subtotal)).ToList();
        var transactions = refunds.Select(t => AmountOf(t.Amount)).ToList();
        if (lineItems.Contains(null) || transactions.Contains(null))
            return (null, "a refund amount is not a decimal number");
        var amount = lineItems.Count > 0 ? lineItems.Sum(a => a!.Value) : transactions.Sum(a => a!.Value);
        return (new Parsed(refund.OrderId.Value, ReversalKind.Refund, refund.Id, amount, refunds.FirstOrDefault()?.Currency), null);
    }

    private static bool TryRead<T>(ReadOnlySpan<byte> body, out T? value, out string? problem) where T : class
    {
        try
        {
            value = JsonSerializer.Deserialize<T>(body);
        }
        catch (JsonException e)
        {
            (value, problem) = (null, $"the body is not a Shopify {typeof(T).Name.ToLowerInvariant()}: {e.Message}");
            return false;
        }
        problem = value is null ? "the body is not a JSON object" : null;
        return value is not null;
    }

    // Shopify writes amounts as strings ("12.50"); a number is read too.
    private static decimal? AmountOf(JsonElement amount) => amount.ValueKind switch
    {
        JsonValueKind.String when decimal.TryParse(amount.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value >= 0 => value,
        JsonValueKind.Number when amount.TryGetDecimal(out var value) && value >= 0 => value,
        _ => null,
    };
}
