using System.Net.Http.Json;
using System.Text.Json;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Program;

/// <summary>
/// Arrange helpers of the program-rules tests: a shop's settings for the length of a test (restored to the defaults
/// after it, since every test shares the dev shops), orders that carry what the fraud rules read, and their outcome.
/// Order ids 66000–66999 belong to these tests; customers are the Core stub's 106600–106699 (a range no test uses).
/// </summary>
public static class ProgramFlow
{
    public static readonly ShopifyWebhooks.DevShop Shop = ShopifyWebhooks.Other;

    private static long _nextOrderId = 66000;

    public static long NextOrderId() => Interlocked.Increment(ref _nextOrderId);

    public static string SettingsRoute(Guid shop) => $"/shops/{shop}/program-settings";

    /// <summary>PUTs <paramref name="settings"/> as the shop's merchant admin; disposing puts the defaults back.</summary>
    public static async Task<IAsyncDisposable> ProgramSettingsAsync(this ReferralsApp app, object settings, CancellationToken ct)
    {
        var http = app.AdminClient(DevShops.AdminToken(Shop.Id));
        var put = await http.PutAsJsonAsync(SettingsRoute(Shop.Id), settings, ct);
        put.EnsureSuccessStatusCode();
        return new RestoreDefaults(http);
    }

    private sealed class RestoreDefaults(HttpClient http) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            (await http.PutAsJsonAsync(SettingsRoute(Shop.Id), new { }, CancellationToken.None)).EnsureSuccessStatusCode();
            http.Dispose();
        }
    }

    /// <summary>An orders/create body through <paramref name="linkId"/> with the fields the fraud rules read (PII beside them, as Shopify sends it).</summary>
    public static string Order(long buyer, string linkId, long? orderId = null, string subtotal = "129.00", string currency = "USD",
        int? ordersCount = 1, string browserIp = "198.51.100.7", string? userAgent = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = orderId ?? NextOrderId(),
            ["email"] = "buyer@example.com",
            ["subtotal_price"] = subtotal,
            ["total_discounts"] = "0.00",
            ["currency"] = currency,
            ["browser_ip"] = browserIp,
            ["client_details"] = new Dictionary<string, object?> { ["browser_ip"] = browserIp, ["user_agent"] = userAgent ?? $"Mozilla/5.0 test-{Guid.NewGuid():N}" },
            ["customer"] = ordersCount is null
                ? new Dictionary<string, object?> { ["id"] = buyer, ["first_name"] = "Dana" }
                : new Dictionary<string, object?> { ["id"] = buyer, ["first_name"] = "Dana", ["orders_count"] = ordersCount },
            ["discount_codes"] = new object[] { new { code = linkId, amount = "0.00", type = "percentage" } },
        });

    /// <summary>Delivers the order signed and waits until it was processed: its outcome.</summary>
    public static async Task<string?> ConvertAsync(this ReferralsApp app, string body, CancellationToken ct)
    {
        using var http = app.CreateHttpClient();
        var webhookId = Guid.NewGuid().ToString();
        var response = await http.PostOrderAsync(Shop, body, webhookId, ct);
        response.EnsureSuccessStatusCode();
        var processed = await Eventually.ReturnsAsync(() => app.ProcessedEventAsync(Shop.Id, webhookId, ct),
            row => row?.State == "processed", TimeSpan.FromSeconds(30), ct);
        return processed?.Outcome;
    }

    /// <summary>A referral of the shop's customer <paramref name="advocate"/>.</summary>
    public static Task<ConversionFlow.CreatedLink> LinkOfAsync(this ReferralsApp app, long advocate, CancellationToken ct) =>
        app.CreateReferralAsync(Shop, advocate, ct);

    /// <summary>The referral's status and reason, once its status is <paramref name="status"/> (or what it is after the wait).</summary>
    public static async Task<Database.ReferralRow> ReferralOnceAsync(this ReferralsApp app, Guid referralId, string status, CancellationToken ct) =>
        (await Eventually.ReturnsAsync(() => app.ReferralAsync(Shop.Id, referralId, ct), row => row?.Status == status,
            TimeSpan.FromSeconds(30), ct))!;

    /// <summary>The reason codes beside a referral's status (the fraud rules that held or rejected it), from the database.</summary>
    public static async Task<IReadOnlyList<string>> ReviewReasonsAsync(this ReferralsApp app, Guid referralId, CancellationToken ct)
    {
        await using var connection = new Npgsql.NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand(
            "select coalesce(data->'fraud_reasons', '[]'::jsonb)::text from referrals.mt_doc_referral where tenant_id = @shop and id = @id", connection);
        command.Parameters.AddWithValue("shop", Shop.Id.ToString());
        command.Parameters.AddWithValue("id", referralId);
        var json = (string?)await command.ExecuteScalarAsync(ct) ?? "[]";
        return JsonSerializer.Deserialize<string[]>(json)!;
    }
}
