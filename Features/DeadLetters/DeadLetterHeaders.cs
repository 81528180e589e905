using System.Globalization;
using Wolverine;
using Referrals.Service.Correlation;
using Referrals.Service.Messaging;

namespace Referrals.Service.Features.DeadLetters;

/// <summary>
/// The headers of a dead letter on `referrals.dlq` (documented in docs/runbooks/dead-letters.md): the failed
/// message's own headers (<c>event_type</c>, <c>schema_version</c>, <c>correlation_id</c>, ...), plus the failure:
/// <list type="bullet">
/// <item><c>dlq_id</c> — the dead letter's identity, kept across reprocessings (the first parking assigns it);</item>
/// <item><c>dlq_error_type</c>, <c>dlq_error_message</c> — the exception's type and message (no payload, no PII);</item>
/// <item><c>dlq_reason</c> — the <c>referrals_errors_total</c> error_type it was counted under (<see cref="IHasErrorType"/>);</item>
/// <item><c>dlq_attempts</c> — attempts made before parking;</item>
/// <item><c>dlq_first_failed_at</c>, <c>dlq_failed_at</c> — the first failed attempt (kept across reprocessings) and
/// this failure, ISO 8601 UTC;</item>
/// <item><c>dlq_source</c> — the endpoint it failed on;</item>
/// <item><c>original_topic</c> — the topic it came from (kept from the message when it says so already, e.g. a webhook's);</item>
/// <item><c>dlq_reprocessings</c> — how many times reprocess-dlq sent it back (absent until the first time).</item>
/// </list>
/// Errors parsing a Kafka payload never reach a handler: Wolverine's native dead-letter queue moves those
/// records to the same topic with its own headers (exception-type, exception-message, failed-at).
/// </summary>
public static class DeadLetterHeaders
{
    public const string IdHeader = "dlq_id";
    public const string ErrorTypeHeader = "dlq_error_type";
    public const string ErrorMessageHeader = "dlq_error_message";
    public const string ReasonHeader = "dlq_reason";
    public const string AttemptsHeader = "dlq_attempts";
    public const string FirstFailedAtHeader = "dlq_first_failed_at";
    public const string FailedAtHeader = "dlq_failed_at";
    public const string SourceHeader = "dlq_source";
    public const string ReprocessingsHeader = "dlq_reprocessings";
    public const string OriginalTopicHeader = "original_topic";

    /// <summary>Headers Wolverine's native dead-letter queue writes for a record that never reached a handler.</summary>
    public const string NativeErrorTypeHeader = "exception-type";
    public const string NativeErrorMessageHeader = "exception-message";
    public const string NativeFailedAtHeader = "failed-at";

    /// <summary>The error_type of a failure that does not name its own.</summary>
    public const string DeadLettered = "dead_lettered";

    private const int MaxMessageLength = 500;

    public static string Truncate(string message) => message.Length > MaxMessageLength ? message[..MaxMessageLength] : message;

    /// <summary>The error_type a failure is counted and parked under.</summary>
    public static string ErrorTypeOf(Exception exception) => exception is IHasErrorType named ? named.ErrorType : DeadLettered;

    /// <summary>
    /// The dead letter's headers for <paramref name="failed"/>. <paramref name="firstFailedAt"/> is when its attempts
    /// started failing, if known; a dead letter being reprocessed keeps the first failure it already carries.
    /// </summary>
    public static Dictionary<string, string?> For(Envelope failed, Exception exception, DateTimeOffset? firstFailedAt, DateTimeOffset now)
    {
        var headers = new Dictionary<string, string?>(failed.Headers)
        {
            [IdHeader] = failed.Headers.GetValueOrDefault(IdHeader) ?? failed.Id.ToString(),
            [ErrorTypeHeader] = exception.GetType().FullName,
            [ErrorMessageHeader] = Truncate(exception.Message),
            [ReasonHeader] = ErrorTypeOf(exception),
            [AttemptsHeader] = failed.Attempts.ToString(CultureInfo.InvariantCulture),
            [FirstFailedAtHeader] = failed.Headers.GetValueOrDefault(FirstFailedAtHeader) ?? Iso(firstFailedAt ?? now),
            [FailedAtHeader] = Iso(now),
            [SourceHeader] = failed.Destination?.ToString(),
        };
        // Events from other services carry no event_type; their topic says what they are (reprocess-dlq filters on it).
        // A record from referrals.replay already carries both from its first parking.
        if (KafkaTopicOf(failed.Destination) is { } topic && topic != Topics.Replay)
        {
            headers.TryAdd(KafkaEnvelope.EventTypeHeader, topic);
            headers.TryAdd(OriginalTopicHeader, topic);
        }
        if (failed.CorrelationId is { } correlationId)
            headers[KafkaEnvelope.CorrelationIdHeader] = correlationId;
        return headers;
    }

    private static string? KafkaTopicOf(Uri? endpoint) =>
        endpoint is { Scheme: "kafka" } ? endpoint.Segments[^1].TrimEnd('/') : null;

    private static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
