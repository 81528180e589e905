using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>
/// Shopify's side of the webhooks: order bodies the way Shopify sends them, signed with the app's client secret. The
/// dev stack runs as if the secret were being rotated: dev-shop's webhooks are signed with the current secret here,
/// other-shop's with the previous one, and both are accepted for every shop.
/// </summary>
public static class ShopifyWebhooks
{
    public sealed record DevShop(Guid Id, string Domain, string Secret);

    public const string AppSecret = "dev-webhook-secret";
    public const string PreviousAppSecret = "other-webhook-secret";

    public static readonly DevShop Main = new(DevShops.Main, "dev-shop.myshopify.com", AppSecret);
    public static readonly DevShop Other = new(DevShops.Other, "other-shop.myshopify.com", PreviousAppSecret);

    private static long _nextOrderId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    /// <summary>An order body with the PII a real one carries (email, name, address), which the service must not keep.</summary>
    public static string Order(long shopifyCustomer, string? discountCode = null, string? landingSite = null, string? noteReferralCode = null,
        bool test = false, bool cancelled = false, long? orderId = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = orderId ?? Interlocked.Increment(ref _nextOrderId),
            ["email"] = "buyer@example.com",
            ["test"] = test,
            ["cancelled_at"] = cancelled ? "2026-11-25T10:00:00-05:00" : null,
            ["total_price"] = "129.00",
            ["currency"] = "USD",
            ["customer"] = new Dictionary<string, object?>
            {
                ["id"] = shopifyCustomer,
                ["email"] = "buyer@example.com",
                ["first_name"] = "Dana",
                ["phone"] = "+15555550123",
            },
            ["shipping_address"] = new Dictionary<string, object?> { ["address1"] = "1 Main St", ["city"] = "Springfield" },
            ["discount_codes"] = discountCode is null ? Array.Empty<object>() : new object[] { new { code = discountCode, amount = "10.00", type = "percentage" } },
            ["landing_site"] = landingSite,
            ["note_attributes"] = noteReferralCode is null ? Array.Empty<object>() : new object[] { new { name = "referral_code", value = noteReferralCode } },
        });

    public static HttpRequestMessage SignedRequest(DevShop shop, string body, string webhookId, string? signature = null) =>
        SignedWebhook("/orders/create", shop, body, webhookId, signature: signature);

    /// <summary>
    /// A webhook to <paramref name="route"/> as Shopify sends it: topic, shop domain, webhook id, trigger time (now unless
    /// given) and the body's HMAC under the shop's signing secret (the app's current or previous one).
    /// </summary>
    public static HttpRequestMessage SignedWebhook(string route, DevShop shop, string body, string? webhookId = null,
        DateTimeOffset? triggeredAt = null, string? signature = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Shopify-Topic", route.TrimStart('/'));
        request.Headers.TryAddWithoutValidation("X-Shopify-Shop-Domain", shop.Domain);
        request.Headers.TryAddWithoutValidation("X-Shopify-Webhook-Id", webhookId ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-Shopify-API-Version", "2025-10");
        request.Headers.Add("X-Shopify-Triggered-At", (triggeredAt ?? DateTimeOffset.UtcNow).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("X-Shopify-Hmac-Sha256",
            signature ?? Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(shop.Secret), bytes)));
        return request;
    }

    /// <summary>The body of app/uninstalled: the shop, with the owner's contact data the service must not keep.</summary>
    public static string ShopBody(DevShop shop) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = 954889,
        ["name"] = "A shop",
        ["email"] = "owner@example.com",
        ["domain"] = shop.Domain,
        ["myshopify_domain"] = shop.Domain,
    });

    /// <summary>A shop no test registered yet, signing with the app's current secret.</summary>
    public static DevShop NewShop(string handle) =>
        new(Guid.NewGuid(), $"{handle}-{Guid.NewGuid():N}"[..40].TrimEnd('-') + ".myshopify.com", AppSecret);

    /// <summary>PUT /admin/shops/{shop_id} as a platform operator (or with <paramref name="token"/>).</summary>
    public static async Task<HttpResponseMessage> PutShopAsync(this ReferralsApp app, Guid shopId, string domain, bool active,
        CancellationToken ct, bool allowTestOrders = false, string? token = null)
    {
        using var http = app.CreateHttpClient();
        if (token != "")
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? DevShops.OperatorToken());
        return await http.PutAsync($"/admin/shops/{shopId}", new StringContent(
            JsonSerializer.Serialize(new { domain, allow_test_orders = allowTestOrders, active }), Encoding.UTF8, "application/json"), ct);
    }

    /// <summary>The registry's row of a shop (domain, active), read from the database; null when it is not registered.</summary>
    public static async Task<(string Domain, bool Active)?> RegisteredShopAsync(this ReferralsApp app, Guid shopId, CancellationToken ct)
    {
        await using var connection = new Npgsql.NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand(
            "select data->>'domain', (data->>'active')::boolean from referrals.mt_doc_shop where id = @id", connection);
        command.Parameters.AddWithValue("id", shopId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetBoolean(1)) : null;
    }

    /// <summary>Every registered shop as (id, domain, active), to show that a refused request changed none.</summary>
    public static async Task<string> RegistrySnapshotAsync(this ReferralsApp app, CancellationToken ct)
    {
        await using var connection = new Npgsql.NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand(
            "select string_agg(id::text || ' ' || (data->>'domain') || ' ' || (data->>'active'), ', ' order by id) from referrals.mt_doc_shop", connection);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Ends a test's burst over a shop's rate limit: drops `rate_limit:{shop_id}:referrals`, so the next test's
    /// webhooks of that shop are not refused inside the same sliding second.
    /// </summary>
    public static async Task ForgetRateLimitAsync(this ReferralsApp app, DevShop shop)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        await redis.GetDatabase().KeyDeleteAsync($"rate_limit:{shop.Id}:referrals");
    }

    /// <summary>
    /// Delivers a signed webhook the way Shopify does: a 429 is delivered again after its Retry-After. Tests run one
    /// after another against one shop, so a burst in one test can leave the next inside the same rate-limit second.
    /// </summary>
    public static async Task<HttpResponseMessage> PostOrderAsync(this HttpClient http, DevShop shop, string body, string? webhookId = null,
        CancellationToken ct = default)
    {
        webhookId ??= Guid.NewGuid().ToString();
        for (var attempt = 1; ; attempt++)
        {
            var response = await http.SendAsync(SignedRequest(shop, body, webhookId), ct);
            if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests || attempt == 5)
                return response;
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
        }
    }
}
