namespace Referrals.Service.Features.Translations;

public sealed record LocalizedText(string Key, string Locale, string Value);

/// <summary>
/// The named query other slices use for text they emit: the current value of a message key in a locale,
/// falling back to en for an unsupported locale (the answer says which locale was used).
/// PLACEHOLDER until the Translations slice lands: English only, from a fixed table.
/// </summary>
public sealed class LocalizedMessages
{
    public static string StatusKey(string wireStatus) => $"referral.status.{wireStatus}";

    private static readonly Dictionary<string, string> English = new()
    {
        ["referral.status.queued"] = "Referral queued",
        ["referral.status.pending"] = "Referral pending",
        ["referral.status.in_progress"] = "Referral in progress",
        ["referral.status.completed"] = "Referral completed",
        ["referral.status.rewarded"] = "Referral rewarded",
        ["referral.status.failed"] = "Referral failed",
        ["referral.status.cancelled"] = "Referral cancelled",
    };

    public ValueTask<LocalizedText> GetAsync(string key, string locale, CancellationToken ct) =>
        ValueTask.FromResult(new LocalizedText(key, "en", English.GetValueOrDefault(key, key)));
}
