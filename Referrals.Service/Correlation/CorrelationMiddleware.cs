using Wolverine;

namespace Referrals.Service.Correlation;

/// <summary>
/// Every HTTP request and gRPC call (gRPC metadata are HTTP/2 headers) gets a correlation id; it is
/// answered back, scoped onto every log line, and handed to Wolverine so the messages it sends carry it.
/// </summary>
public sealed class CorrelationMiddleware(RequestDelegate next, ILogger<CorrelationMiddleware> logger)
{
    private const string ShopifyTopicHeader = "X-Shopify-Topic";

    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = CorrelationId.FromIncoming(context.Request.Headers[CorrelationId.HeaderName]);
        CorrelationId.Set(correlationId);
        context.Response.Headers[CorrelationId.HeaderName] = correlationId;
        if (context.RequestServices.GetService<IMessageContext>() is { } messages)
            messages.CorrelationId = correlationId;

        var fields = new Dictionary<string, object> { [CorrelationId.LogProperty] = correlationId };
        // Shopify names the webhook's topic (orders/create); the shop is known once the signature was checked.
        if (context.Request.Headers[ShopifyTopicHeader] is [{ Length: > 0 } topic])
            fields["event_type"] = topic;
        using (logger.BeginScope(fields))
            await next(context);
    }
}
