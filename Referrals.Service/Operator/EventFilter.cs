using System.Globalization;
using Referrals.Service.Tenancy;

namespace Referrals.Service.Operator;

/// <summary>
/// The operator commands' filters: a shop, an event type, a time window [from, to). Parsed by hand so that a
/// bad value gets a sentence that says what is wrong, not a parser's message.
/// </summary>
public sealed record EventFilter(Guid? Shop, string? EventType, DateTimeOffset? From, DateTimeOffset? To)
{
    public bool Matches(Guid? shop, string eventType, DateTimeOffset at) =>
        (Shop is null || shop == Shop)
        && (EventType is null || string.Equals(eventType, EventType, StringComparison.Ordinal))
        && (From is null || at >= From)
        && (To is null || at < To);

    /// <summary>The filter, or the reasons it is not one.</summary>
    public static (EventFilter? Filter, IReadOnlyList<string> Errors) Parse(string? shop, string? eventType, string? from, string? to,
        IReadOnlyCollection<string> knownEventTypes)
    {
        var errors = new List<string>();
        Guid? shopId = null;
        if (shop is not null)
        {
            if (Guid.TryParseExact(shop, "D", out var parsed))
                shopId = parsed;
            else
                errors.Add($"--shop '{shop}' is not a UUID (e.g. 5f0c6a8e-0000-4000-8000-000000000001).");
        }

        if (eventType is not null && !knownEventTypes.Contains(eventType))
            errors.Add($"--event-type '{eventType}' is not a known event type; known: {string.Join(", ", knownEventTypes)}.");

        var fromAt = Time(from, "--from", errors);
        var toAt = Time(to, "--to", errors);
        if (fromAt is not null && toAt is not null && fromAt >= toAt)
            errors.Add($"--from ({fromAt:O}) must be before --to ({toAt:O}).");

        return errors.Count == 0 ? (new EventFilter(shopId, eventType, fromAt, toAt), errors) : (null, errors);
    }

    public override string ToString() =>
        $"shop={Shop?.ToString() ?? "any"} event-type={EventType ?? "any"} from={From?.ToString("O", CultureInfo.InvariantCulture) ?? "-"} " +
        $"to={To?.ToString("O", CultureInfo.InvariantCulture) ?? "-"}";

    private static DateTimeOffset? Time(string? text, string option, List<string> errors)
    {
        if (text is null)
            return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return at.ToUniversalTime();
        errors.Add($"{option} '{text}' is not a date and time (ISO 8601, e.g. 2026-11-25T10:00:00Z; UTC when no offset is given).");
        return null;
    }
}
