using System.Globalization;
using Wolverine;

namespace Referrals.Service.Messaging;

/// <summary>
/// How every event of this service goes out on Kafka: key = shop_id (per-shop ordering), and the headers
/// correlation_id, event_type and schema_version beside the snake_case JSON payload.
/// </summary>
public static class KafkaEnvelope
{
    public const string CorrelationIdHeader = "correlation_id";
    public const string EventTypeHeader = "event_type";
    public const string SchemaVersionHeader = "schema_version";

    public static DeliveryMessage<T> Publish<T>(T message, Guid shopId, string eventType, string schemaVersion, string correlationId) =>
        message.WithDeliveryOptions(new DeliveryOptions
        {
            PartitionKey = shopId.ToString("D", CultureInfo.InvariantCulture),
            Headers =
            {
                [CorrelationIdHeader] = correlationId,
                [EventTypeHeader] = eventType,
                [SchemaVersionHeader] = schemaVersion,
            },
        });
}
