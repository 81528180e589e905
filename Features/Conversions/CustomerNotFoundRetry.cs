using Wolverine;

namespace Referrals.Service.Features.Conversions;

/// <summary>
/// A new customer's Core record can lag their first order: Core's NOT_FOUND for a Shopify buyer is asked again for
/// `Core:CustomerNotFoundRetryWindow` (5 min by default) from the order's accept time, with pauses that grow with the
/// time already waited (1 s, then as long as it has been, at most 30 s, never past the window's end); only then is the
/// order <c>unknown_customer</c>. A guest checkout (no Shopify customer) has no record to wait for. Pure: the order,
/// the window and the time in, the pause (or none) out.
/// </summary>
public sealed record CustomerNotFoundRetry(TimeSpan Window)
{
    public const string WindowKey = "Core:CustomerNotFoundRetryWindow";
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    public static CustomerNotFoundRetry From(IConfiguration configuration) => new(configuration.GetValue(WindowKey, DefaultWindow));

    /// <summary>How long to wait before asking Core again, or null when the window is over (or there is no one to ask about).</summary>
    public static TimeSpan? PauseBeforeAskingAgain(ConvertOrder order, TimeSpan window, DateTimeOffset now)
    {
        if (order.ShopifyCustomerId is null)
            return null;
        var waited = now - order.ReceivedAt;
        if (waited >= window)
            return null;
        var pause = waited < FirstPause ? FirstPause : waited > LongestPause ? LongestPause : waited;
        var left = window - waited;
        return pause < left ? pause : left;
    }

    /// <summary>The same order again after <paramref name="pause"/>, for its shop, with the headers it came with (a dead letter still says where it came from).</summary>
    public static DeliveryMessage<ConvertOrder> AskAgainLater(ConvertOrder order, Envelope envelope, TimeSpan pause)
    {
        var options = new DeliveryOptions
        {
            TenantId = envelope.TenantId,
            CorrelationId = envelope.CorrelationId,
            PartitionKey = envelope.PartitionKey,
            ScheduleDelay = pause,
        };
        foreach (var (name, value) in envelope.Headers)
            options.Headers[name] = value;
        return order.WithDeliveryOptions(options);
    }
}
