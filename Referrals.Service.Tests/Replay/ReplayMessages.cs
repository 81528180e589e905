using System.Globalization;
using System.Text.Json;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Replay;

/// <summary>
/// Records as Wolverine writes them on Kafka (its headers name the message type and the tenant): ConvertOrder
/// deliveries for referrals.replay, and dead letters of them for referrals.dlq.
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

    /// <summary>A ConvertOrder parked on referrals.dlq at <paramref name="failedAt"/>, as the service parks one.</summary>
    public static RawRecord DeadLetter(Guid shop, string dlqId, DateTimeOffset failedAt, string eventType = "order.created") =>
        ConvertOrder(shop, Guid.NewGuid().ToString(), null,
            ("dlq_id", dlqId),
            ("dlq_error_type", "Referrals.Service.Clients.CoreUnavailableException"),
            ("dlq_error_message", "the Core service did not answer (Unavailable)"),
            ("dlq_attempts", "3"),
            ("dlq_first_failed_at", failedAt.ToString("O", CultureInfo.InvariantCulture)),
            ("dlq_failed_at", failedAt.ToString("O", CultureInfo.InvariantCulture))) is var record
            ? record with { Headers = [.. record.Headers.Where(h => h.Name != "event_type"), ("event_type", System.Text.Encoding.UTF8.GetBytes(eventType))] }
            : throw new InvalidOperationException();

    /// <summary>A one-hour window far from now that no other test uses, so a filter sees only this test's dead letters.</summary>
    public static DateTimeOffset PrivateHour() =>
        new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(Random.Shared.Next(0, 24 * 365 * 5));
}
