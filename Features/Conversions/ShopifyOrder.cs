using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Referrals.Service.Features.Program;

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
    [property: JsonPropertyName("note_attributes")] IReadOnlyList<ShopifyOrder.NoteEntry>? NoteEntrys)
{
    // The fraud rules' fields, bound loosely (JsonElement): a missing or odd-shaped one is null, never a 400.
    [JsonPropertyName("subtotal_price")] public JsonElement SubtotalPrice { get; init; }
    [JsonPropertyName("total_discounts")] public JsonElement TotalDiscounts { get; init; }
    [JsonPropertyName("currency")] public JsonElement Currency { get; init; }
    [JsonPropertyName("browser_ip")] public JsonElement BrowserIp { get; init; }
    [JsonPropertyName("client_details")] public JsonElement ClientDetails { get; init; }

    public sealed record OrderCustomer([property: JsonPropertyName("id")] long? Id)
    {
        [JsonPropertyName("orders_count")] public JsonElement OrdersCount { get; init; }
    }

    public sealed record DiscountCode([property: JsonPropertyName("code")] string? Code);

    public sealed record NoteEntry(
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("value")] JsonElement Value);

    private static readonly JsonSerializerOptions Options = new() { AllowTrailingCommas = false };

    /// <param name="fingerprints">Hashes the browser IP and user agent here, at the accept: the raw values go no further.</param>
    public ConvertOrder ToConvertOrder(Guid shopId, string webhookId, DateTimeOffset receivedAt, BrowserFingerprints? fingerprints = null) => new(
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
        receivedAt)
    {
        Subtotal = Money(SubtotalPrice),
        TotalDiscounts = Money(TotalDiscounts),
        Currency = Currency is { ValueKind: JsonValueKind.String } currency && currency.GetString() is { Length: > 0 and <= 8 } code
            ? code.ToUpperInvariant() : null,
        BuyerOrdersCount = Customer?.OrdersCount is { ValueKind: JsonValueKind.Number } count && count.TryGetInt32(out var orders) ? orders : null,
        BrowserFingerprint = fingerprints?.Of(shopId, Text(BrowserIp),
            ClientDetails is { ValueKind: JsonValueKind.Object } details && details.TryGetProperty("user_agent", out var agent) ? Text(agent) : null),
    };

    // Shopify sends amounts as strings ("129.00"); a number is taken too, anything else is no amount.
    private static decimal? Money(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when decimal.TryParse(value.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) => amount,
        JsonValueKind.Number when value.TryGetDecimal(out var amount) => amount,
        _ => null,
    };

    private static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;

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
