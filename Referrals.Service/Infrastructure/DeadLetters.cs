using System.Globalization;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime;
using Wolverine.Runtime.Handlers;
using Referrals.Service.Correlation;
using Referrals.Service.Messaging;
using Referrals.Service.Observability;

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
    /// The rule every consumer ends with: any failure is retried after 0.5 s and 2 s (±25 % jitter, so retries of
    /// many messages do not stampede a recovering dependency), then parked here: 3 attempts. A handler's own rules
    /// for what retrying cannot fix (park at once) or fixes at once (a concurrency conflict) come before it.
    /// </summary>
    public static void RetryThenPark(HandlerChain chain) =>
        chain.OnAnyException()
            .ScheduleRetry(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)).WithBoundedJitter(0.25)
            .And(NoteFirstFailureAsync, "note the first failure")
            .Then.CustomAction(ParkAsync, "park on referrals.dlq after 3 attempts");

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

        var headers = new Dictionary<string, string?>(failed.Headers)
        {
            [IdHeader] = failed.Headers.GetValueOrDefault(IdHeader) ?? failed.Id.ToString(),
            [ErrorTypeHeader] = exception.GetType().FullName,
            [ErrorMessageHeader] = Truncate(exception.Message),
            [AttemptsHeader] = failed.Attempts.ToString(CultureInfo.InvariantCulture),
            [FirstFailedAtHeader] = FirstFailedAt(runtime, failed),
            [FailedAtHeader] = Now(runtime),
            [SourceHeader] = failed.Destination?.ToString(),
        };
        // Events from other services carry no event_type; their topic says what they are (reprocess-dlq filters on it).
        if (!headers.ContainsKey(KafkaEnvelope.EventTypeHeader) && failed.Destination is { Scheme: "kafka" } source
            && source.Segments[^1].TrimEnd('/') is var topic && topic != Topics.Replay)
            headers[KafkaEnvelope.EventTypeHeader] = topic;
        if (failed.CorrelationId is { } correlationId)
            headers[KafkaEnvelope.CorrelationIdHeader] = correlationId;

        using var scope = runtime.Services.CreateScope();
        var deadLetters = scope.ServiceProvider.GetRequiredService<IMessageBus>().EndpointFor(new Uri($"kafka://topic/{Topics.DeadLetters}"));
        // The payload as it arrived or was queued, byte for byte.
        await deadLetters.SendRawMessageAsync(failed.Data ?? [], message.GetType(), dead =>
        {
            dead.TenantId = failed.TenantId;
            dead.PartitionKey = failed.PartitionKey ?? failed.TenantId;
            dead.ContentType = failed.ContentType ?? "application/json";
            foreach (var (name, value) in headers)
                dead.Headers[name] = value;
        });

        runtime.Services.GetRequiredService<ErrorMetrics>().Count("dead_lettered");
        runtime.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DeadLetters))
            .LogError(exception, "Dead-lettered {MessageType} for shop {ShopId} after {Attempts} attempt(s)",
                failed.MessageType, failed.TenantId, failed.Attempts);
        await lifecycle.CompleteAsync();
    }

    private static string Now(IWolverineRuntime runtime) =>
        runtime.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
}
