using System.Globalization;
using Wolverine;
using Wolverine.Runtime;

namespace Referrals.Service.Infrastructure;

/// <summary>
/// Parks a message that failed for good on `referrals.dlq`, through the durable outbox, then settles it.
/// The dead letter is the original message as it was queued (same payload, key = shop_id, original headers),
/// plus the failure in headers (the envelope is documented in docs/runbooks/dead-letters.md):
/// <list type="bullet">
/// <item><c>dlq_id</c> — the dead letter's identity, kept across reprocessings (the first parking assigns it);</item>
/// <item><c>dlq_error_type</c>, <c>dlq_error_message</c> — the exception's type and message (no payload, no PII);</item>
/// <item><c>dlq_attempts</c> — attempts made before parking;</item>
/// <item><c>dlq_first_failed_at</c>, <c>dlq_failed_at</c> — the first failed attempt (noted by
/// <see cref="NoteFirstFailureAsync"/>, kept across reprocessings) and this failure, ISO 8601 UTC;</item>
/// <item><c>dlq_source</c> — the endpoint it failed on;</item>
/// <item><c>dlq_reprocessings</c> — how many times reprocess-dlq sent it back (absent until the first time).</item>
/// </list>
/// Errors parsing a Kafka payload never reach a handler: Wolverine's native dead-letter queue moves those
/// records to the same topic with its own headers (exception-type, exception-message, failed-at).
/// Replaying a dead letter means putting it back on `referrals.replay` as it is.
/// </summary>
public static class DeadLetters
{
    public const string IdHeader = "dlq_id";
    public const string ErrorTypeHeader = "dlq_error_type";
    public const string ErrorMessageHeader = "dlq_error_message";
    public const string AttemptsHeader = "dlq_attempts";
    public const string FirstFailedAtHeader = "dlq_first_failed_at";
    public const string FailedAtHeader = "dlq_failed_at";
    public const string SourceHeader = "dlq_source";
    public const string ReprocessingsHeader = "dlq_reprocessings";

    /// <summary>Headers Wolverine's native dead-letter queue writes for a record that never reached a handler.</summary>
    public const string NativeErrorTypeHeader = "exception-type";
    public const string NativeErrorMessageHeader = "exception-message";
    public const string NativeFailedAtHeader = "failed-at";

    private const int MaxMessageLength = 500;

    public static string Truncate(string message) => message.Length > MaxMessageLength ? message[..MaxMessageLength] : message;

    /// <summary>
    /// Error-policy action beside a retry: notes when the message first failed (<see cref="FirstFailures"/>), so its
    /// dead letter can tell when the trouble started, not only when the retries gave up.
    /// </summary>
    public static ValueTask NoteFirstFailureAsync(IWolverineRuntime runtime, IEnvelopeLifecycle lifecycle, Exception exception)
    {
        if (lifecycle.Envelope is { } failed)
            runtime.Services.GetRequiredService<FirstFailures>().Note(failed.Id);
        return ValueTask.CompletedTask;
    }

    /// <summary>The first failure of a dead letter being reprocessed, else of this message's attempts, else now.</summary>
    public static string FirstFailedAt(IWolverineRuntime runtime, Envelope failed) =>
        failed.Headers.GetValueOrDefault(FirstFailedAtHeader)
        ?? runtime.Services.GetRequiredService<FirstFailures>().Take(failed.Id)?.ToString("O", CultureInfo.InvariantCulture)
        ?? Now(runtime);

    public static async ValueTask ParkAsync(IWolverineRuntime runtime, IEnvelopeLifecycle lifecycle, Exception exception)
    {
        var failed = lifecycle.Envelope ?? throw new InvalidOperationException("no envelope to dead-letter", exception);
        var message = failed.Message ?? throw new InvalidOperationException("the failed envelope has no message", exception);
        var now = Now(runtime);

        var options = new DeliveryOptions { TenantId = failed.TenantId, PartitionKey = failed.PartitionKey ?? failed.TenantId };
        foreach (var (name, value) in failed.Headers)
            options.Headers[name] = value;
        options.Headers[IdHeader] = failed.Headers.GetValueOrDefault(IdHeader) ?? failed.Id.ToString();
        options.Headers[ErrorTypeHeader] = exception.GetType().FullName;
        options.Headers[ErrorMessageHeader] = Truncate(exception.Message);
        options.Headers[AttemptsHeader] = failed.Attempts.ToString(CultureInfo.InvariantCulture);
        options.Headers[FirstFailedAtHeader] = FirstFailedAt(runtime, failed);
        options.Headers[FailedAtHeader] = now;
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

    private static string Now(IWolverineRuntime runtime) =>
        runtime.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
}
