using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Referrals.Service.Correlation;

/// <summary>Puts the current correlation id on outgoing HTTP requests.</summary>
public sealed class CorrelationHttpHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (CorrelationId.Current is { } correlationId && !request.Headers.Contains(CorrelationId.HeaderName))
            request.Headers.Add(CorrelationId.HeaderName, correlationId);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Puts the current correlation id on outgoing gRPC calls (Auth, Core).</summary>
public sealed class CorrelationClientInterceptor : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (CorrelationId.Current is not { } correlationId)
            return continuation(request, context);

        var headers = context.Options.Headers ?? [];
        if (headers.Get(CorrelationId.HeaderName) is null)
            headers.Add(CorrelationId.HeaderName, correlationId);
        var options = context.Options.WithHeaders(headers);
        return continuation(request, new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options));
    }
}
