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

    private sealed record Target(Uri Http, Uri Grpc, string Kafka, int[] ServicePorts);

    /// <summary>Closed loop (--orders at --concurrency) unless --rate is given: then --rate orders/s for --seconds.</summary>
    private sealed record Load(int Orders, int Concurrency, double? Rate, TimeSpan Duration, int MaxInFlight, int Warmup)
    {
        public bool OpenLoop => Rate is not null;

        public int Count => OpenLoop ? (int)(Rate!.Value * Duration.TotalSeconds) : Orders;
    }

    public static Command Command()
    {
        var orders = new Option<int>("--orders") { Description = "closed loop: orders to send (each converts one new referral)", DefaultValueFactory = _ => 1000 };
        var concurrency = new Option<int>("--concurrency") { Description = "closed loop: webhooks in flight at once", DefaultValueFactory = _ => 32 };
        var rate = new Option<double?>("--rate") { Description = "open loop: orders per second, started on schedule whether or not earlier ones finished" };
        var seconds = new Option<int>("--seconds") { Description = "open loop: duration", DefaultValueFactory = _ => 60 };
        var maxInFlight = new Option<int>("--max-in-flight") { Description = "open loop: an arrival with this many webhooks unanswered is dropped", DefaultValueFactory = _ => 2000 };
        var http = new Option<string>("--http") { Description = "the service's HTTP address", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var grpc = new Option<string>("--grpc") { Description = "the service's gRPC address", DefaultValueFactory = _ => "http://127.0.0.1:50060" };
        var kafka = new Option<string>("--kafka") { Description = "the stack's Kafka bootstrap", DefaultValueFactory = _ => "127.0.0.1:9092" };
        var servicePorts = new Option<int[]>("--service-port") { Description = "ports the service's processes listen on, to measure their CPU and RSS (default: the --http port)", AllowMultipleArgumentsPerToken = true };
        var json = new Option<string?>("--json") { Description = "append the figures as one JSON line to this file" };
        var warmup = new Option<int>("--warmup") { Description = "orders sent and converted before the measured window (JIT, pools, Development's handler compilation)", DefaultValueFactory = _ => 64 };
        var trace = new Option<string?>("--trace") { Description = "profile the first service process with dotnet-trace while the load runs, into this folder" };
        var traceSeconds = new Option<int>("--trace-seconds") { Description = "how long to profile (from the window's start)", DefaultValueFactory = _ => 15 };
        var command = new Command("webhooks", "orders/create load: webhook 200 latency, accept -> event latency, service CPU per order, peak RSS")
        {
            orders, concurrency, rate, seconds, maxInFlight, http, grpc, kafka, servicePorts, json, warmup, trace, traceSeconds,
        };
        command.SetAction((parsed, _) =>
        {
            var httpUri = new Uri(parsed.GetValue(http)!);
            var ports = parsed.GetValue(servicePorts) is { Length: > 0 } given ? given : [httpUri.Port];
            return RunAsync(new Target(httpUri, new Uri(parsed.GetValue(grpc)!), parsed.GetValue(kafka)!, ports),
                new Load(parsed.GetValue(orders), parsed.GetValue(concurrency), parsed.GetValue(rate), TimeSpan.FromSeconds(parsed.GetValue(seconds)), parsed.GetValue(maxInFlight), parsed.GetValue(warmup)),
                parsed.GetValue(json), (parsed.GetValue(trace), TimeSpan.FromSeconds(parsed.GetValue(traceSeconds))));
        });
        return command;
    }

    private static async Task<int> RunAsync(Target options, Load load, string? json, (string? Directory, TimeSpan Duration) trace)
    {
        var shop = DevCustomers.MainShopId;
        var orders = load.Count;
        Console.WriteLine(load.OpenLoop
            ? $"webhooks: open loop, {load.Rate}/s for {load.Duration.TotalSeconds:0} s ({orders} orders), {options.Http} / {options.Grpc} / {options.Kafka}"
            : $"webhooks: closed loop, {orders} orders, concurrency {load.Concurrency}, {options.Http} / {options.Grpc} / {options.Kafka}");

        var setup = Stopwatch.StartNew();
        // The warm-up's referrals come after the measured ones.
        var referrals = await CreateReferralsAsync(options, shop, orders + load.Warmup, concurrency: 32);
        Console.WriteLine($"setup: {orders + load.Warmup} referrals created in {setup.Elapsed.TotalSeconds:0.0} s");
        // Order ids unique per run, so a second run against the same stack is not deduplicated as a redelivery.
        var orderIdBase = 9_000_000_000L + DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 100_000 * 1_000_000;
        var bodies = Enumerable.Range(0, orders + load.Warmup).Select(i => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            id = orderIdBase + i,
            test = false,
            customer = new { id = referrals[i].Referrer % 1000 + 1 }, // anyone but the referrer
            discount_codes = new[] { new { code = referrals[i].LinkId } },
        }))).ToArray();
        var signatures = bodies.Select(body => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), body))).ToArray();

        using var reader = CompletedEvents.StartAt(options.Kafka);
        var acceptedAt = new ConcurrentDictionary<string, long>();
        var webhookLatencies = new ConcurrentBag<TimeSpan>();
        var refused = new ConcurrentDictionary<string, int>();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = load.OpenLoop ? load.MaxInFlight : load.Concurrency })
        {
            BaseAddress = options.Http,
            Timeout = TimeSpan.FromSeconds(30),
        };

        // from: when the call was due (open loop) or sent (closed loop), so a late start counts against the service.
        async Task Send(int i, long from, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/orders/create") { Content = new ByteArrayContent(bodies[i]) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-Shopify-Shop-Domain", ShopDomain);
            request.Headers.Add("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
            request.Headers.Add("X-Shopify-Hmac-Sha256", signatures[i]);
            try
            {
                using var response = await http.SendAsync(request, ct);
                var answered = Stopwatch.GetTimestamp();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    webhookLatencies.Add(Stopwatch.GetElapsedTime(from, answered));
                    acceptedAt[referrals[i].ReferralId] = answered;
                }
                else
                {
                    refused.AddOrUpdate(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                refused.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
            }
        }

        if (load.Warmup > 0)
        {
            await Parallel.ForEachAsync(Enumerable.Range(orders, load.Warmup), new ParallelOptions { MaxDegreeOfParallelism = 16 },
                (i, ct) => new ValueTask(Send(i, Stopwatch.GetTimestamp(), ct)));
            var warmed = reader.WaitFor(acceptedAt, TimeSpan.FromSeconds(120)).Count;
            Console.WriteLine($"warm-up: {warmed}/{load.Warmup} converted (not counted)");
            acceptedAt.Clear();
            webhookLatencies.Clear();
            refused.Clear();
        }

        var service = ServiceProcesses.ListeningOn(options.ServicePorts);
        var window = MeasuredWindow.Start(service);
        var profile = TraceSession.Start(trace.Directory, load.OpenLoop ? "conversions-open" : "webhooks-closed", service, trace.Duration);
        var run = Stopwatch.StartNew();
        OpenLoopResult? schedule = null;
        if (load.OpenLoop)
            schedule = await OpenLoop.RunAsync(load.Rate!.Value, load.Duration, load.MaxInFlight, (i, due) => Send(i, due, CancellationToken.None));
        else
            await Parallel.ForEachAsync(Enumerable.Range(0, orders), new ParallelOptions { MaxDegreeOfParallelism = load.Concurrency },
                (i, ct) => new ValueTask(Send(i, Stopwatch.GetTimestamp(), ct)));
        var sendSeconds = run.Elapsed.TotalSeconds;
        var pendingAtEnd = reader.Pending(acceptedAt);

        var eventLatencies = reader.WaitFor(acceptedAt, TimeSpan.FromSeconds(Math.Max(60, orders / 50)));
        var total = run.Elapsed.TotalSeconds;
        // CPU until the last event was read: accept + convert.
        var usage = window.End(eventLatencies.Count);
        await profile.WaitAsync();
        var webhook = Percentiles.Of(webhookLatencies);
        var conversion = Percentiles.Of(eventLatencies);

        Console.WriteLine($"webhooks answered 200: {webhookLatencies.Count}/{orders} in {sendSeconds:0.00} s ({webhookLatencies.Count / sendSeconds:0} /s)");
        if (schedule is not null)
            Console.WriteLine($"schedule: {schedule.Started}/{schedule.Scheduled} started, {schedule.Dropped} dropped (>= {load.MaxInFlight} in flight), {schedule.Late} late (> {OpenLoop.LateAfter.TotalMilliseconds:0} ms behind)");
        foreach (var (status, count) in refused)
            Console.WriteLine($"  refused {status}: {count}{(status == "429" ? "  (rate limits on: start the stack with --Referrals:Service:Webhooks:PerShopPerSecond=1000000 --Referrals:Service:Webhooks:PerIpPerSecond=1000000)" : "")}");
        Console.WriteLine($"webhook 200 latency{(load.OpenLoop ? " (from schedule)" : "")}: {webhook}");
        Console.WriteLine($"referral.completed read: {eventLatencies.Count}/{acceptedAt.Count}; not yet read when the last webhook was answered: {pendingAtEnd}");
        Console.WriteLine($"accept -> event latency: {conversion}");
        Console.WriteLine($"conversions/s (first send to last event): {eventLatencies.Count / total:0}");
        Console.WriteLine(usage.CpuMs is null
            ? $"service CPU/RSS: not measured (no local process listens on {string.Join(", ", options.ServicePorts)})"
            : $"service CPU per order (accept + convert): {usage.CpuMsPerOperation:0.00} ms; peak RSS {string.Join(" / ", usage.PeakRssMb.Select(m => m.ToString("0", CultureInfo.InvariantCulture)))} MiB ({service.Pids.Count} process(es)); load average {usage.LoadAverageStart:0.0} -> {usage.LoadAverageEnd:0.0}");

        var figures = new Dictionary<string, object?>
        {
            ["mode"] = load.OpenLoop ? "open" : "closed",
            ["concurrency"] = load.OpenLoop ? null : load.Concurrency,
            ["rate"] = load.Rate,
            ["duration_s"] = load.OpenLoop ? load.Duration.TotalSeconds : null,
            ["orders"] = orders,
            ["answered_200"] = webhookLatencies.Count,
            ["refused"] = refused.Values.Sum(),
            ["webhook_per_s"] = webhookLatencies.Count / sendSeconds,
            ["dropped"] = schedule?.Dropped,
            ["late"] = schedule?.Late,
            ["events_read"] = eventLatencies.Count,
            ["pending_at_window_end"] = pendingAtEnd,
            ["conversions_per_s"] = eventLatencies.Count / total,
        };
        foreach (var part in new[] { ResultFile.Latency("webhook", webhook), ResultFile.Latency("accept_to_event", conversion), ResultFile.Usage(usage) })
        {
            foreach (var (key, value) in part)
                figures[key] = value;
        }
        ResultFile.Append(json, load.OpenLoop ? "conversions_open" : "webhook_closed", figures);
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

        public int Pending(ConcurrentDictionary<string, long> acceptedAt) => acceptedAt.Keys.Count(id => !_readAt.ContainsKey(id));

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
