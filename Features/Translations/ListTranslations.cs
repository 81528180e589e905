using FastEndpoints;
using Marten;
using Referrals.Service.Auth;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Features.Translations;

/// <summary>One version of a text; <see cref="Source"/> says whether it is a platform default or the shop's override.</summary>
public sealed record TranslationView(Guid Id, string Key, string Locale, string Value, int Version,
    DateTimeOffset CreatedAt, bool Current, string Source)
{
    public static TranslationView From(Translation translation, bool isCurrent) =>
        new(translation.Id, translation.Key, translation.Locale, translation.Value, translation.Version,
            translation.CreatedAt, isCurrent, TextSource.Platform);

    public static TranslationView From(TranslationOverride shopText, bool isCurrent) =>
        new(shopText.Id, shopText.Key, shopText.Locale, shopText.Value, shopText.Version,
            shopText.CreatedAt, isCurrent, TextSource.Shop);
}

public sealed class ListTranslationsRequest
{
    /// <summary>Optional filters (query string).</summary>
    public string? Key { get; init; }
    public string? Locale { get; init; }
}

public sealed record TranslationList(IReadOnlyList<TranslationView> Translations);

/// <summary>GET /admin/translations[?key=…&amp;locale=…] — every version of the platform defaults, the current ones marked.</summary>
public sealed class ListTranslationsEndpoint(IQuerySession db) : Endpoint<ListTranslationsRequest, TranslationList>
{
    public override void Configure()
    {
        Get("/admin/translations");
        Options(route => route.RequireRateLimiting(WebhookRateLimits.AdminPolicy));
        Policies(AccessPolicies.PlatformOperator);
    }

    public override async Task HandleAsync(ListTranslationsRequest request, CancellationToken ct)
    {
        var query = db.Query<Translation>().AsQueryable();
        if (!string.IsNullOrEmpty(request.Key))
            query = query.Where(t => t.Key == request.Key);
        if (!string.IsNullOrEmpty(request.Locale))
            query = query.Where(t => t.Locale == request.Locale);
        var versions = await query.ToListAsync(ct);

        await Send.OkAsync(new TranslationList(TranslationVersions.Marked(versions, t => (t.Key, t.Locale), t => t.Version,
            (t, isCurrent) => TranslationView.From(t, isCurrent))), ct);
    }
}

public static class TranslationVersions
{
    /// <summary>Every version, ordered by key, locale and version, the highest of each (key, locale) marked current.</summary>
    public static IReadOnlyList<TranslationView> Marked<T>(IReadOnlyList<T> versions, Func<T, (string Key, string Locale)> text,
        Func<T, int> version, Func<T, bool, TranslationView> view)
    {
        var current = versions.GroupBy(text).Select(g => g.MaxBy(version)!).ToHashSet();
        return [.. versions.Select(v => view(v, current.Contains(v)))
            .OrderBy(v => v.Key, StringComparer.Ordinal).ThenBy(v => v.Locale, StringComparer.Ordinal).ThenBy(v => v.Version)];
    }
}
