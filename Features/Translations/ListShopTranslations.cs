using FastEndpoints;
using Marten;
using Referrals.Service.Auth;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Features.Translations;

public sealed class ListShopTranslationsRequest
{
    public Guid ShopId { get; init; }

    /// <summary>Optional filters (query string).</summary>
    public string? Key { get; init; }
    public string? Locale { get; init; }
}

/// <summary>
/// What a shop's customers read: <see cref="Texts"/> holds the current text of every (key, locale), the shop's
/// override where it has one (source `shop`), else the platform default (source `platform`); <see cref="Overrides"/>
/// holds every version of the shop's overrides, the current ones marked.
/// </summary>
public sealed record ShopTranslationList(IReadOnlyList<TranslationView> Texts, IReadOnlyList<TranslationView> Overrides);

/// <summary>GET /admin/shops/{shopId}/translations[?key=…&amp;locale=…] — the shop's effective texts and its overrides.</summary>
public sealed class ListShopTranslationsEndpoint(IDocumentStore store) : Endpoint<ListShopTranslationsRequest, ShopTranslationList>
{
    public override void Configure()
    {
        Get("/admin/shops/{shopId}/translations");
        Options(route => route.RequireRateLimiting(WebhookRateLimits.AdminPolicy));
        Policies(AccessPolicies.MerchantAdmin);
    }

    public override async Task HandleAsync(ListShopTranslationsRequest request, CancellationToken ct)
    {
        await using var session = store.QuerySession(request.ShopId.ToString());
        var defaults = session.Query<Translation>().AsQueryable();
        var overrides = session.Query<TranslationOverride>().AsQueryable();
        if (!string.IsNullOrEmpty(request.Key))
        {
            defaults = defaults.Where(t => t.Key == request.Key);
            overrides = overrides.Where(t => t.Key == request.Key);
        }
        if (!string.IsNullOrEmpty(request.Locale))
        {
            defaults = defaults.Where(t => t.Locale == request.Locale);
            overrides = overrides.Where(t => t.Locale == request.Locale);
        }

        var overrideVersions = TranslationVersions.Marked(await overrides.ToListAsync(ct), t => (t.Key, t.Locale), t => t.Version,
            (t, isCurrent) => TranslationView.From(t, isCurrent));
        var shopTexts = overrideVersions.Where(v => v.Current).ToDictionary(v => (v.Key, v.Locale));
        var texts = TranslationVersions.Marked(await defaults.ToListAsync(ct), t => (t.Key, t.Locale), t => t.Version,
                (t, isCurrent) => TranslationView.From(t, isCurrent))
            .Where(v => v.Current)
            .Select(v => shopTexts.GetValueOrDefault((v.Key, v.Locale), v))
            .ToList();
        await Send.OkAsync(new ShopTranslationList(texts, overrideVersions), ct);
    }
}
