using Referrals.Service.Messaging;
using Wolverine;

namespace Referrals.Service.Correlation;

/// <summary>
/// Wolverine middleware: a handled message continues the correlation of the envelope that brought it,
/// so its log lines and the messages it sends carry the same id. Its log lines also carry the tenant
/// (<c>shop_id</c>) and <c>event_type</c> (the wire event_type header, else the message type).
/// </summary>
public static class CorrelationForMessages
{
    public static IDisposable Before(Envelope envelope, IMessageContext context, ILogger logger)
    {
        var correlationId = CorrelationId.FromIncoming(envelope.CorrelationId);
        CorrelationId.Set(correlationId);
        context.CorrelationId = correlationId;
        var messageType = envelope.MessageType ?? "unknown";
        var fields = new Dictionary<string, object>
        {
            [CorrelationId.LogProperty] = correlationId,
            ["message_type"] = messageType,
            ["event_type"] = envelope.Headers.TryGetValue(KafkaEnvelope.EventTypeHeader, out var eventType) && eventType is { Length: > 0 }
                ? eventType
                : messageType,
        };
        if (!string.IsNullOrEmpty(envelope.TenantId))
            fields["shop_id"] = envelope.TenantId;
        return logger.BeginScope(fields) ?? NoScope.Instance;
    }

    public static void Finally(IDisposable scope) => scope.Dispose();

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();
        public void Dispose() { }
    }
}
