using System.Globalization;
using Referrals.Service.Idempotency;

namespace Referrals.Service.Webhooks;

/// <summary>
/// How old a webhook may be (X-Shopify-Triggered-At) and still act: `Webhooks:ReplayWindow`, 6 h by default. Shopify
/// delivers a webhook again for 4 hours with its original trigger time, so 6 h keeps every genuine retry; the
/// dedupe memory (processed_events and Redis `processed:*`, 24 h) outlasts the window, so a replayed capture is
/// either a duplicate or too old. A window longer than that memory is refused at start. A trigger time more than
/// <see cref="ClockSkew"/> in the future is refused as well.
/// </summary>
/// <remarks>
/// Shopify signs the body only, not the headers: this stops a capture replayed as it was, not one whose headers were
/// rewritten. The body-level guards (idempotent redactions, a conversion once per order) cover the rest.
/// </remarks>
public sealed class WebhookReplayWindow
{
    public const string Key = "Webhooks:ReplayWindow";
    public const string Header = "X-Shopify-Triggered-At";
    public static readonly TimeSpan Default = TimeSpan.FromHours(6);
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public WebhookReplayWindow(TimeSpan window)
    {
        if (window <= TimeSpan.Zero || window > ProcessedEvent.Retention)
            throw new InvalidOperationException(
                $"Refusing to start: '{Key}' is {window}; it must be positive and at most the dedupe memory ({ProcessedEvent.Retention}), " +
                "or a replay older than the memory would act again.");
        Window = window;
    }

    public TimeSpan Window { get; }

    public static WebhookReplayWindow From(IConfiguration configuration) => new(configuration.GetValue(Key, Default));

    /// <summary>True when the trigger time is readable and within the window of <paramref name="now"/>.</summary>
    public bool IsFresh(string? triggeredAt, DateTimeOffset now) =>
        triggeredAt is { Length: > 0 and <= 64 }
        && DateTimeOffset.TryParse(triggeredAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
        && now - at <= Window
        && at - now <= ClockSkew;
}
