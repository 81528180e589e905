using Wolverine;

namespace Referrals.Service.Correlation;

/// <summary>
/// Wolverine middleware: a handled message continues the correlation of the envelope that brought it,
/// so its log lines and the messages it sends carry the same id.
/// </summary>
public static class CorrelationForMessages
{
    public static IDisposable Before(Envelope envelope, IMessageContext context, ILogger logger)
    {
        var correlationId = CorrelationId.FromIncoming(envelope.CorrelationId);
        CorrelationId.Set(correlationId);
        context.CorrelationId = correlationId;
        return logger.BeginScope(new Dictionary<string, object>
        {
            [CorrelationId.LogProperty] = correlationId,
            ["message_type"] = envelope.MessageType ?? "unknown",
        }) ?? NoScope.Instance;
    }

    public static void Finally(IDisposable scope) => scope.Dispose();

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();
        public void Dispose() { }
    }
}
