using System.Diagnostics;

namespace Referrals.Service.Correlation;

/// <summary>
/// The correlation id of the work in progress: taken from the incoming request or message, or created,
/// and carried on every log line (as a logging scope), every outgoing call and every event.
/// </summary>
public static class CorrelationId
{
    public const string HeaderName = "x-correlation-id";
    public const string LogProperty = "correlation_id";

    private static readonly AsyncLocal<string?> CurrentValue = new();

    public static string? Current => CurrentValue.Value;

    /// <summary>The correlation id a message carries (the middleware sets one on every handled envelope), or a new one.</summary>
    public static string Of(Wolverine.Envelope envelope) => FromIncoming(envelope.CorrelationId);

    public static string FromIncoming(string? incoming) =>
        IsUsable(incoming) ? incoming! : Guid.NewGuid().ToString();

    public static void Set(string correlationId)
    {
        CurrentValue.Value = correlationId;
        Activity.Current?.SetTag(LogProperty, correlationId);
    }

    // A correlation id is echoed into logs and headers: accept only short, printable values.
    private static bool IsUsable(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
