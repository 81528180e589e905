using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>The admin REST API (snake_case JSON) as a merchant admin's or a platform operator's client calls it.</summary>
public static class AdminApi
{
    public static HttpClient AdminClient(this ReferralsApp app, string token)
    {
        var http = app.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public static HttpClient OperatorClient(this ReferralsApp app) => app.AdminClient(DevShops.OperatorToken());

    /// <summary>A new version of the shop's override (POST /admin/shops/{shop}/translations).</summary>
    public static Task<HttpResponseMessage> AddOverrideVersionAsync(this HttpClient http, Guid shop, string key, string locale,
        string value, CancellationToken ct) =>
        http.PostAsJsonAsync($"/admin/shops/{shop}/translations", new { key, locale, value }, ct);

    /// <summary>A new version of a platform default (POST /admin/translations).</summary>
    public static Task<HttpResponseMessage> AddPlatformVersionAsync(this HttpClient http, string key, string locale, string value,
        CancellationToken ct) =>
        http.PostAsJsonAsync("/admin/translations", new { key, locale, value }, ct);

    /// <summary>What the shop's customers read (optionally of one key): the JSON array `texts`, one per key and locale.</summary>
    public static Task<IReadOnlyList<JsonElement>> ShopTextsAsync(this HttpClient http, Guid shop, CancellationToken ct, string? key = null) =>
        ArrayAsync(http, $"/admin/shops/{shop}/translations{Filter(key)}", "texts", ct);

    /// <summary>Every version of the shop's overrides (optionally of one key), as the JSON array `overrides`.</summary>
    public static Task<IReadOnlyList<JsonElement>> ListOverridesAsync(this HttpClient http, Guid shop, CancellationToken ct, string? key = null) =>
        ArrayAsync(http, $"/admin/shops/{shop}/translations{Filter(key)}", "overrides", ct);

    /// <summary>Every version of the platform defaults (optionally of one key), as the JSON array `translations`.</summary>
    public static Task<IReadOnlyList<JsonElement>> ListPlatformVersionsAsync(this HttpClient http, CancellationToken ct, string? key = null) =>
        ArrayAsync(http, $"/admin/translations{Filter(key)}", "translations", ct);

    public static IReadOnlyList<JsonElement> Current(this IEnumerable<JsonElement> versions) =>
        [.. versions.Where(v => v.GetProperty("current").GetBoolean())];

    /// <summary>The value of the current version of a key in a locale among <paramref name="versions"/>.</summary>
    public static string CurrentValue(this IEnumerable<JsonElement> versions, string key, string locale) =>
        versions.Current().Single(v => v.GetProperty("key").GetString() == key && v.GetProperty("locale").GetString() == locale)
            .GetProperty("value").GetString()!;

    private static string Filter(string? key) => key is null ? "" : $"?key={Uri.EscapeDataString(key)}";

    private static async Task<IReadOnlyList<JsonElement>> ArrayAsync(HttpClient http, string path, string property, CancellationToken ct)
    {
        var response = await http.GetAsync(path, ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return [.. body.GetProperty(property).EnumerateArray()];
    }
}
