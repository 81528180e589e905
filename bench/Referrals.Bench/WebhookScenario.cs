using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.CommandLine;
using Confluent.Kafka;
using Grpc.Core;
using Grpc.Net.Client;
using Referrals.Contracts.V1;
using Referrals.DevStubs.Auth;
using Referrals.DevStubs.Core;

namespace Referrals.Bench;

/// <summary>
/// orders/create load: creates N referrals in the dev shop, then sends N signed webhooks, each converting one
/// of them, and reads referral.completed from Kafka. Prints conversions/s, the webhook's 200 latency and
/// accept → event latency (the moment the 200 arrived to the moment the event was read).
/// </summary>
public static class WebhookScenario
{
    private const string ShopDomain = "dev-shop.myshopify.com";
    // The dev stack's public secret; the production shape (scripts/production-shape.sh) has its own.
    private static readonly string WebhookSecret = Environment.GetEnvironmentVariable("REFERRALS_WEBHOOK_SECRET") ?? "dev-webhook-secret";

    private sealed record Target(Uri Http, Uri Grpc, string Kafka);

    public static Command Command()
    {
        var orders = new Option<int>("--orders") { Description = "orders to send (each converts one new referral)", DefaultValueFactory = _ => 1000 };
        var concurrency = new Option<int>("--concurrency") { Description = "webhooks in flight at once", DefaultValueFactory = _ => 32 };
        var http = new Option<string>("--http") { Description = "the service's HTTP address", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var grpc = new Option<string>("--grpc") { Description = "the service's gRPC address", DefaultValueFactory = _ => "http://127.0.0.1:50060" };
        var kafka = new Option<string>("--kafka") { Description = "the stack's Kafka bootstrap", DefaultValueFactory = _ => "127.0.0.1:9092" };
        var command = new Command("webhooks", "orders/create load: conversions/s, webhook 200 and accept -> event latency") { orders, concurrency, http, grpc, kafka };
        command.SetAction((parsed, _) => RunAsync(new Target(new Uri(parsed.GetValue(http)!), new Uri(parsed.GetValue(grpc)!), parsed.GetValue(kafka)!),
            parsed.GetValue(orders), parsed.GetValue(concurrency)));
        return command;
    }

    private static async Task<int> RunAsync(Target options, int orders, int concurrency)
    {
        var shop = DevCustomers.MainShopId;
        Console.WriteLine($"webhooks: {orders} orders, concurrency {concurrency}, {options.Http} / {options.Grpc} / {options.Kafka}");

        var setup = Stopwatch.StartNew();
        var referrals = await CreateReferralsAsync(options, shop, orders, concurrency);
        Console.WriteLine($"setup: {orders} referrals created in {setup.Elapsed.TotalSeconds:0.0} s");

        using var reader = CompletedEvents.StartAt(options.Kafka);
        var acceptedAt = new ConcurrentDictionary<string, long>();
        var webhookLatencies = new ConcurrentBag<TimeSpan>();
        var refused = new ConcurrentDictionary<HttpStatusCode, int>();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = options.Http };

        var run = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, orders), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var (referralId, linkId, referrer) = referrals[i];
            var buyer = referrer % 1000 + 1; // anyone but the referrer
            var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
            {
                id = 9_000_000_000L + i,
                test = false,
                customer = new { id = buyer },
                discount_codes = new[] { new { code = linkId } },
            }));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/orders/create") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-Shopify-Shop-Domain", ShopDomain);
            request.Headers.Add("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
            request.Headers.Add("X-Shopify-Hmac-Sha256", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), body)));

            var sent = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, ct);
            var answered = Stopwatch.GetTimestamp();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                webhookLatencies.Add(Stopwatch.GetElapsedTime(sent, answered));
                acceptedAt[referralId] = answered;
            }
            else
            {
                refused.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
            }
        });
        var sendSeconds = run.Elapsed.TotalSeconds;

        var eventLatencies = reader.WaitFor(acceptedAt, TimeSpan.FromSeconds(Math.Max(60, orders / 50)));
        var total = run.Elapsed.TotalSeconds;

        Console.WriteLine($"webhooks answered 200: {webhookLatencies.Count}/{orders} in {sendSeconds:0.00} s ({webhookLatencies.Count / sendSeconds:0} /s)");
        foreach (var (status, count) in refused)
            Console.WriteLine($"  refused {(int)status} {status}: {count}{(status == HttpStatusCode.TooManyRequests ? "  (rate limits on: start the stack with --Referrals:Service:Webhooks:PerShopPerSecond=1000000 --Referrals:Service:Webhooks:PerIpPerSecond=1000000)" : "")}");
        Console.WriteLine($"webhook 200 latency: {Percentiles.Describe(webhookLatencies)}");
        Console.WriteLine($"referral.completed read: {eventLatencies.Count}/{acceptedAt.Count}");
        Console.WriteLine($"accept -> event latency: {Percentiles.Describe(eventLatencies)}");
        Console.WriteLine($"conversions/s (first send to last event): {eventLatencies.Count / total:0}");
        return eventLatencies.Count == acceptedAt.Count && refused.IsEmpty ? 0 : 1;
    }

    private static async Task<(string ReferralId, string LinkId, long Referrer)[]> CreateReferralsAsync(
        Target options, Guid shop, int count, int concurrency)
    {
        using var channel = GrpcChannel.ForAddress(options.Grpc);
        var client = new ReferralsService.ReferralsServiceClient(channel);
        var headers = new Grpc.Core.Metadata
        {
            { "authorization", "Bearer " + DevTokens.Mint(DevTokens.DefaultSigningKey, shop.ToString(), "merchant:referrals:admin merchant:referrals:view", null, TimeSpan.FromHours(1), null, DateTimeOffset.UtcNow) },
        };
        var created = new (string, string, long)[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var referrer = i % 1000 + 1L;
            var request = new CreateReferralRequest
            {
                ShopId = shop.ToString(),
                CustomerId = DevCustomers.PlatformId(shop, referrer).ToString(),
                Locale = "en",
                RequestId = Guid.NewGuid().ToString(),
            };
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // The same request_id makes a retry safe: it returns the referral the first try created.
                    var response = await client.CreateReferralAsync(request, headers, cancellationToken: ct);
                    created[i] = (response.ReferralId, response.ReferralLinkId, referrer);
                    return;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 5)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
                }
            }
        });
        return created;
    }

    /// <summary>
    /// Reads referral.completed on its own thread from the end of the topic as it stood before the load, noting
    /// when each referral's event was read, so accept → event is measured while the load runs.
    /// </summary>
    private sealed class CompletedEvents : IDisposable
    {
        private readonly IConsumer<string, byte[]> _consumer;
        private readonly ConcurrentDictionary<string, long> _readAt = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;

        private CompletedEvents(IConsumer<string, byte[]> consumer)
        {
            _consumer = consumer;
            _thread = new Thread(ReadUntilStopped) { IsBackground = true, Name = "referral.completed reader" };
            _thread.Start();
        }

        public static CompletedEvents StartAt(string bootstrap)
        {
            var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
            {
                BootstrapServers = bootstrap,
                GroupId = $"bench-{Guid.NewGuid():N}",
                AutoOffsetReset = AutoOffsetReset.Latest,
                EnableAutoCommit = false,
            }).SetLogHandler((_, _) => { }).Build();
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
            var partitions = admin.GetMetadata("referral.completed", TimeSpan.FromSeconds(10)).Topics[0].Partitions
                .Select(p => new TopicPartition("referral.completed", p.PartitionId)).ToList();
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p,
                consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High)));
            return new CompletedEvents(consumer);
        }

        private void ReadUntilStopped()
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message is null)
                    continue;
                var referralId = JsonDocument.Parse(result.Message.Value).RootElement.GetProperty("referral_id").GetString()!;
                _readAt.TryAdd(referralId, Stopwatch.GetTimestamp());
            }
        }

        public List<TimeSpan> WaitFor(ConcurrentDictionary<string, long> acceptedAt, TimeSpan within)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < within && acceptedAt.Keys.Any(id => !_readAt.ContainsKey(id)))
                Thread.Sleep(100);
            return [.. acceptedAt
                .Where(accepted => _readAt.ContainsKey(accepted.Key))
                .Select(accepted => Stopwatch.GetElapsedTime(accepted.Value, Math.Max(accepted.Value, _readAt[accepted.Key])))];
        }

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join();
            _consumer.Close();
            _consumer.Dispose();
            _stop.Dispose();
        }
    }
}
