using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Referrals.Chaos;

/// <summary>One try of a delivery: when it was sent (since the run started), how long it took, and the status (0 = no answer).</summary>
public sealed record Attempt(string WebhookId, TimeSpan SentAt, TimeSpan Took, int Status);

/// <summary>
/// Shopify's side of orders/create: each delivery is signed with the dev app secret and retried with the same
/// webhook id until it is answered 2xx — after any other status, a connection failure or Shopify's 5 s timeout —
/// with exponential backoff, or after Retry-After when the answer names one. Tries go round the instances, as a
/// load balancer in front of them would send them.
/// </summary>
public sealed class ShopifyDriver(IReadOnlyList<ServiceInstance> instances, string shopDomain, string appSecret, Stopwatch runClock) : IDisposable
{
    public static readonly TimeSpan ShopifyTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(8);

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1024,
        ConnectTimeout = ShopifyTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
    })
    { Timeout = Timeout.InfiniteTimeSpan };
    private int _nextInstance;

    public ConcurrentBag<Attempt> Attempts { get; } = [];

    /// <summary>Webhook ids with a delivery answered 200, each with the time from its first try to the (last) 200.</summary>
    public ConcurrentDictionary<string, TimeSpan> Answered { get; } = new(StringComparer.Ordinal);

    /// <summary>Webhook ids with a delivery that was given up, or answered 2xx but not 200, with its last status.</summary>
    public ConcurrentDictionary<string, int> Unanswered { get; } = new(StringComparer.Ordinal);

    /// <summary>Delivers until answered 2xx, or until <paramref name="giveUpAt"/> (since the run started) passes.</summary>
    public async Task DeliverAsync(Delivery delivery, string? linkId, TimeSpan giveUpAt, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(OrderBody(delivery, linkId));
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));
        var first = runClock.Elapsed;
        var instance = Interlocked.Increment(ref _nextInstance);
        for (var attempt = 0; ; attempt++)
        {
            var target = instances[(instance + attempt) % instances.Count];
            var sentAt = runClock.Elapsed;
            var (status, retryAfter) = await TryOnceAsync(target, delivery, body, signature, ct);
            Attempts.Add(new Attempt(delivery.WebhookId, sentAt, runClock.Elapsed - sentAt, status));
            if (status is >= 200 and < 300)
            {
                var took = runClock.Elapsed - first;
                if (status == (int)HttpStatusCode.OK)
                    Answered.AddOrUpdate(delivery.WebhookId, took, (_, twin) => twin > took ? twin : took);
                else
                    Unanswered[delivery.WebhookId] = status;
                return;
            }
            if (runClock.Elapsed > giveUpAt)
            {
                Unanswered[delivery.WebhookId] = status;
                return;
            }
            var backoff = TimeSpan.FromTicks(Math.Min(LongestBackoff.Ticks, FirstBackoff.Ticks << Math.Min(attempt, 10)));
            await Task.Delay(retryAfter is { } wait && wait > backoff ? wait : backoff, ct);
        }
    }

    private async Task<(int Status, TimeSpan? RetryAfter)> TryOnceAsync(ServiceInstance target, Delivery delivery, byte[] body,
        string signature, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target.Http, "/orders/create")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Shopify-Topic", "orders/create");
        request.Headers.Add("X-Shopify-Shop-Domain", shopDomain);
        request.Headers.Add("X-Shopify-Webhook-Id", delivery.WebhookId);
        request.Headers.Add("X-Shopify-API-Version", "2025-10");
        request.Headers.Add("X-Shopify-Triggered-At", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        request.Headers.Add("X-Shopify-Hmac-Sha256", signature);
        // Ties the order's events (referral.completed, the thank-you task) back to it.
        request.Headers.Add("x-correlation-id", delivery.CorrelationId);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ShopifyTimeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            var retryAfter = response.Headers.RetryAfter is { } header
                ? header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null)
                : null;
            return ((int)response.StatusCode, retryAfter);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return (0, null);
        }
    }

    /// <summary>The order as Shopify sends it, with the PII a real one carries (which the service must not keep).</summary>
    private static string OrderBody(Delivery delivery, string? linkId) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = delivery.OrderId,
        ["email"] = "buyer@example.com",
        ["test"] = false,
        ["cancelled_at"] = null,
        ["total_price"] = "129.00",
        ["currency"] = "USD",
        ["customer"] = new Dictionary<string, object?> { ["id"] = delivery.Buyer, ["email"] = "buyer@example.com", ["first_name"] = "Dana" },
        ["discount_codes"] = linkId is null ? Array.Empty<object>() : new object[] { new { code = linkId, amount = "10.00", type = "percentage" } },
        ["landing_site"] = null,
        ["note_attributes"] = Array.Empty<object>(),
    });

    public void Dispose() => _http.Dispose();
}
