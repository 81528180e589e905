using System.Text.Json;
using System.Text.Json.Serialization;

namespace Referrals.Service.Features.Conversions;

/// <summary>
/// The few fields of Shopify's orders/create payload that attribution needs. Everything else in the body
/// (emails, names, addresses, line items) is never bound, stored or logged: data minimization at the door.
/// </summary>
public sealed record ShopifyOrder(
    [property: JsonPropertyName("id")] long? Id,
    [property: JsonPropertyName("test")] bool Test,
    [property: JsonPropertyName("cancelled_at")] string? CancelledAt,
    [property: JsonPropertyName("customer")] ShopifyOrder.OrderCustomer? Customer,
    [property: JsonPropertyName("discount_codes")] IReadOnlyList<ShopifyOrder.DiscountCode>? DiscountCodes,
    [property: JsonPropertyName("landing_site")] string? LandingSite,
    [property: JsonPropertyName("note_attributes")] IReadOnlyList<ShopifyOrder.NoteEntry>? NoteEntrys,
    [property: JsonPropertyName("subtotal_price")] string? SubtotalPrice = null,
    [property: JsonPropertyName("currency")] string? Currency = null)
{
    public sealed record OrderCustomer([property: JsonPropertyName("id")] long? Id);

    public sealed record DiscountCode([property: JsonPropertyName("code")] string? Code);

    public sealed record NoteEntry(
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("value")] JsonElement Value);

    private static readonly JsonSerializerOptions Options = new() { AllowTrailingCommas = false };

    public ConvertOrder ToConvertOrder(Guid shopId, string webhookId, DateTimeOffset receivedAt) => new(
        shopId,
        webhookId,
        Id!.Value,
        Customer?.Id,
        Test,
        !string.IsNullOrEmpty(CancelledAt),
        [.. (DiscountCodes ?? []).Select(d => d.Code).OfType<string>().Where(ReferralAttribution.IsReferralCode)],
        ReferralAttribution.RefOfLandingSite(LandingSite) is { } landingRef && ReferralAttribution.IsReferralCode(landingRef) ? landingRef : null,
        NoteEntrys?.FirstOrDefault(a => a.Name == "referral_code") is { Value.ValueKind: JsonValueKind.String } note
            && ReferralAttribution.IsReferralCode(note.Value.GetString()) ? note.Value.GetString() : null,
        receivedAt,
        // Only what a refund is compared with; a subtotal Shopify did not send as a decimal string is unknown, not a 400.
        decimal.TryParse(SubtotalPrice, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture,
            out var subtotal) && subtotal >= 0 ? subtotal : null,
        Currency is { Length: 3 } ? Currency : null);

    /// <summary>The order, or why the body is not one (for a 400 problem detail).</summary>
    public static (ShopifyOrder? Order, string? Problem) Parse(ReadOnlySpan<byte> body)
    {
        ShopifyOrder? order;
        try
        {
            order = JsonSerializer.Deserialize<ShopifyOrder>(body, Options);
        }
        catch (JsonException e)
        {
            return (null, $"the body is not a Shopify order: {e.Message}");
        }

        if (order is null)
            return (null, "the body is not a JSON object");
        if (order.Id is not > 0)
            return (null, "the order has no positive numeric 'id'");
        return (order, null);
    }
}
