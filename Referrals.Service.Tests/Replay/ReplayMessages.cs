using System.Text.Json;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Replay;

/// <summary>
/// Records as Wolverine writes them on Kafka (its headers name the message type and the tenant): ConvertOrder
/// deliveries for referrals.replay.
/// </summary>
public static class ReplayMessages
{
    public const string ConvertOrderType = "Referrals.Service.Features.Conversions.ConvertOrder";

    public static RawRecord ConvertOrder(Guid shop, string webhookId, string? discountCode = null, params (string Name, string Value)[] extraHeaders)
    {
        var payload = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["shop_id"] = shop,
            ["webhook_id"] = webhookId,
            ["order_id"] = Random.Shared.NextInt64(1, long.MaxValue),
            ["shopify_customer_id"] = 7,
            ["test"] = false,
            ["cancelled"] = false,
            ["discount_codes"] = discountCode is null ? Array.Empty<string>() : [discountCode],
            ["landing_site_ref"] = null,
            ["note_referral_code"] = null,
            ["received_at"] = DateTimeOffset.UtcNow,
        });
        return RawKafka.Record(shop.ToString(), payload,
        [
            ("id", Guid.NewGuid().ToString()),
            ("message-type", ConvertOrderType),
            ("content-type", "application/json"),
            ("tenant-id", shop.ToString()),
            ("event_type", "order.created"),
            .. extraHeaders,
        ]);
    }
}
