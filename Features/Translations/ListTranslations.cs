using FastEndpoints;
using Marten;
using Referrals.Service.Auth;

namespace Referrals.Service.Features.Translations;

public sealed record TranslationView(Guid Id, string Key, string Locale, string Value, int Version,
    DateTimeOffset CreatedAt, bool Current)
{
    public static TranslationView From(Translation translation, bool isCurrent) =>
        new(translation.Id, translation.Key, translation.Locale, translation.Value, translation.Version,
            translation.CreatedAt, isCurrent);
}

public sealed class ListTranslationsRequest
{
    public Guid ShopId { get; init; }

    /// <summary>Optional filters (query string).</summary>
    public string? Key { get; init; }
    public string? Locale { get; init; }
}

public sealed record TranslationList(IReadOnlyList<TranslationView> Translations);

/// <summary>GET /admin/shops/{shopId}/translations[?key=…&amp;locale=…] — every version, the current ones marked.</summary>
public sealed class ListTranslationsEndpoint(IQuerySession db) : Endpoint<ListTranslationsRequest, TranslationList>
{
    public override void Configure()
    {
        Get("/admin/shops/{shopId}/translations");
        AllowAnonymous(); // ASP.NET authentication is not used: MerchantAdminOnly checks the bearer token with Auth
        PreProcessor<MerchantAdminOnly<ListTranslationsRequest>>();
    }

    public override async Task HandleAsync(ListTranslationsRequest request, CancellationToken ct)
    {
        var query = db.Query<Translation>().AsQueryable();
        if (!string.IsNullOrEmpty(request.Key))
            query = query.Where(t => t.Key == request.Key);
        if (!string.IsNullOrEmpty(request.Locale))
            query = query.Where(t => t.Locale == request.Locale);
        var versions = await query.ToListAsync(ct);

        var current = versions.GroupBy(t => (t.Key, t.Locale)).Select(g => g.MaxBy(t => t.Version)!.Id).ToHashSet();
        await Send.OkAsync(new TranslationList([.. versions
            .OrderBy(t => t.Key, StringComparer.Ordinal).ThenBy(t => t.Locale, StringComparer.Ordinal).ThenBy(t => t.Version)
            .Select(t => TranslationView.From(t, current.Contains(t.Id)))]), ct);
    }
}
