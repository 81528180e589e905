using System.Globalization;
using Referrals.Service.Tenancy;
using Wolverine;
using Referrals.Service.Correlation;
using Referrals.Service.Messaging;
using Referrals.Service.Features.DeadLetters;

namespace Referrals.Service.Features.Conversions;

/// <summary>
/// How an accepted webhook travels to its handler: for its shop (tenant), keyed by shop, with Shopify's
/// delivery headers kept beside it so that a dead letter still says where it came from. The signature
/// header is not kept: it signs a body this service does not store.
/// </summary>
public static class WebhookDelivery
{
    public const string OriginalTopic = "shopify:orders/create";

    private static readonly string[] KeptShopifyHeaders =
        ["X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id", "X-Shopify-API-Version", "X-Shopify-Triggered-At"];

    public static DeliveryOptions Options(Shop shop, IHeaderDictionary incoming, string originalTopic = OriginalTopic,
        string eventType = ConvertOrder.EventType)
    {
        var options = new DeliveryOptions
        {
            TenantId = shop.Id.ToString(),
            CorrelationId = CorrelationId.Current,
            PartitionKey = shop.Id.ToString("D", CultureInfo.InvariantCulture),
            Headers =
            {
                [DeadLetterHeaders.OriginalTopicHeader] = originalTopic,
                [KafkaEnvelope.EventTypeHeader] = eventType,
                [KafkaEnvelope.SchemaVersionHeader] = "1.0.0",
            },
        };
        foreach (var name in KeptShopifyHeaders)
        {
            if (incoming.TryGetValue(name, out var value) && value.ToString() is { Length: > 0 and <= 256 } text)
                options.Headers[name.ToLowerInvariant()] = text;
        }
        return options;
    }
}
