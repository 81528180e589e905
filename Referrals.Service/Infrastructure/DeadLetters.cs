using System.Globalization;
using Wolverine;
using Wolverine.Runtime;

namespace Referrals.Service.Infrastructure;

/// <summary>
/// Parks a message that failed for good on `referrals.dlq`, through the durable outbox, then settles it.
/// The dead letter is the original message as it was queued (same payload, key = shop_id, original headers),
/// plus the failure in headers: dlq_error_type, dlq_error_message, dlq_attempts, dlq_failed_at (ISO 8601),
/// dlq_source (the endpoint it failed on). Replaying it means putting it back on `referrals.replay` as is.
/// </summary>
public static class DeadLetters
{
    public const string ErrorTypeHeader = "dlq_error_type";
    public const string ErrorMessageHeader = "dlq_error_message";
    public const string AttemptsHeader = "dlq_attempts";
    public const string FailedAtHeader = "dlq_failed_at";
    public const string SourceHeader = "dlq_source";

    private const int MaxMessageLength = 500;

    public static async ValueTask ParkAsync(IWolverineRuntime runtime, IEnvelopeLifecycle lifecycle, Exception exception)
    {
        var failed = lifecycle.Envelope ?? throw new InvalidOperationException("no envelope to dead-letter", exception);
        var message = failed.Message ?? throw new InvalidOperationException("the failed envelope has no message", exception);
        var clock = runtime.Services.GetRequiredService<TimeProvider>();

        var options = new DeliveryOptions { TenantId = failed.TenantId, PartitionKey = failed.PartitionKey ?? failed.TenantId };
        foreach (var (name, value) in failed.Headers)
            options.Headers[name] = value;
        options.Headers[ErrorTypeHeader] = exception.GetType().FullName;
        options.Headers[ErrorMessageHeader] = exception.Message.Length > MaxMessageLength ? exception.Message[..MaxMessageLength] : exception.Message;
        options.Headers[AttemptsHeader] = failed.Attempts.ToString(CultureInfo.InvariantCulture);
        options.Headers[FailedAtHeader] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        options.Headers[SourceHeader] = failed.Destination?.ToString();
        if (failed.CorrelationId is { } correlationId)
            options.Headers[KafkaEnvelope.CorrelationIdHeader] = correlationId;

        using var scope = runtime.Services.CreateScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        await bus.EndpointFor(new Uri($"kafka://topic/{Topics.DeadLetters}")).SendAsync(message, options);

        runtime.Services.GetRequiredService<ReferralsMetrics>().Error("dead_lettered");
        runtime.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DeadLetters))
            .LogError(exception, "Dead-lettered {MessageType} for shop {ShopId} after {Attempts} attempt(s)",
                failed.MessageType, failed.TenantId, failed.Attempts);
        await lifecycle.CompleteAsync();
    }
}
