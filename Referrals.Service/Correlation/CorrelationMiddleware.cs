using Wolverine;

namespace Referrals.Service.Correlation;

/// <summary>
/// Every HTTP request and gRPC call (gRPC metadata are HTTP/2 headers) gets a correlation id; it is
/// answered back, scoped onto every log line, and handed to Wolverine so the messages it sends carry it.
/// </summary>
public sealed class CorrelationMiddleware(RequestDelegate next, ILogger<CorrelationMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = CorrelationId.FromIncoming(context.Request.Headers[CorrelationId.HeaderName]);
        CorrelationId.Set(correlationId);
        context.Response.Headers[CorrelationId.HeaderName] = correlationId;
        if (context.RequestServices.GetService<IMessageContext>() is { } messages)
            messages.CorrelationId = correlationId;

        using (logger.BeginScope(new Dictionary<string, object> { [CorrelationId.LogProperty] = correlationId }))
            await next(context);
    }
}
