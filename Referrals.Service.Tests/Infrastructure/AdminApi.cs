using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>The admin REST API (snake_case JSON) as a merchant admin's client calls it.</summary>
public static class AdminApi
{
    public static HttpClient AdminClient(this ReferralsApp app, string token)
    {
        var http = app.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public static Task<HttpResponseMessage> AddTranslationVersionAsync(this HttpClient http, Guid shop, string key, string locale,
        string value, CancellationToken ct) =>
        http.PostAsJsonAsync($"/admin/shops/{shop}/translations", new { key, locale, value }, ct);

    /// <summary>Every version (optionally of one key), as the JSON array `translations`.</summary>
    public static async Task<IReadOnlyList<JsonElement>> ListTranslationsAsync(this HttpClient http, Guid shop, CancellationToken ct,
        string? key = null)
    {
        var response = await http.GetAsync($"/admin/shops/{shop}/translations{(key is null ? "" : $"?key={Uri.EscapeDataString(key)}")}", ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return [.. body.GetProperty("translations").EnumerateArray()];
    }

    public static IReadOnlyList<JsonElement> Current(this IEnumerable<JsonElement> versions) =>
        [.. versions.Where(v => v.GetProperty("current").GetBoolean())];
}
