using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Referrals.Contracts.V1;
using Referrals.DevStubs.Auth;
using Referrals.DevStubs.Core;
using StackExchange.Redis;

namespace Referrals.Bench;

/// <summary>
/// GetReferralStatus at concurrency 16, 64 and 256: "cached" reads referrals whose status is in Redis;
/// "uncached" drops each referral's `referral:{shop_id}:{referral_id}` entry before the call (not timed),
/// so every call reads Postgres (each worker reads its own referrals: --referrals is a multiple of every
/// concurrency step). Creates its own referrals in the dev shop first.
/// </summary>
public static class StatusScenario
{
    public static Command Command()
    {
        var grpc = new Option<string>("--grpc") { Description = "the service's gRPC address", DefaultValueFactory = _ => "http://127.0.0.1:50060" };
        var redis = new Option<string>("--redis") { Description = "the stack's Redis", DefaultValueFactory = _ => "127.0.0.1:6379" };
        var seconds = new Option<int>("--seconds") { Description = "duration of each step", DefaultValueFactory = _ => 10 };
        var referrals = new Option<int>("--referrals") { Description = "referrals to create and read (a multiple of every concurrency)", DefaultValueFactory = _ => 1024 };
        var concurrency = new Option<int[]>("--concurrency") { Description = "concurrency steps, cached", DefaultValueFactory = _ => [16, 64, 256], AllowMultipleArgumentsPerToken = true };
        var uncachedConcurrency = new Option<int[]>("--uncached-concurrency") { Description = "concurrency steps, uncached (default: --concurrency)", AllowMultipleArgumentsPerToken = true };
        var servicePorts = new Option<int[]>("--service-port") { Description = "ports the service's processes listen on, to measure their CPU and RSS (default: the --grpc port)", AllowMultipleArgumentsPerToken = true };
        var json = new Option<string?>("--json") { Description = "append each step's figures as one JSON line to this file" };
        var trace = new Option<string?>("--trace") { Description = "profile the first service process with dotnet-trace during each step, into this folder" };
        var command = new Command("status", "GetReferralStatus requests/s and p50/p99, cached and uncached, service CPU per read, peak RSS")
        {
            grpc, redis, seconds, referrals, concurrency, uncachedConcurrency, servicePorts, json, trace,
        };
        command.SetAction((parsed, _) =>
        {
            var grpcAddress = parsed.GetValue(grpc)!;
            var cachedSteps = parsed.GetValue(concurrency)!;
            var uncachedSteps = parsed.GetValue(uncachedConcurrency) is { Length: > 0 } u ? u : cachedSteps;
            var ports = parsed.GetValue(servicePorts) is { Length: > 0 } given ? given : [new Uri(grpcAddress).Port];
            return RunAsync(grpcAddress, parsed.GetValue(redis)!, TimeSpan.FromSeconds(parsed.GetValue(seconds)),
                parsed.GetValue(referrals), cachedSteps, uncachedSteps, ServiceProcesses.ListeningOn(ports), parsed.GetValue(json), parsed.GetValue(trace));
        });
        return command;
    }

    private static async Task<int> RunAsync(string grpcAddress, string redisAddress, TimeSpan step, int referralCount, int[] cachedSteps,
        int[] uncachedSteps, ServiceProcesses service, string? json, string? trace)
    {
        var shop = DevCustomers.MainShopId;
        using var channel = GrpcChannel.ForAddress(grpcAddress, new GrpcChannelOptions
        {
            // More than one HTTP/2 connection, or 256 callers would queue behind the server's stream limit.
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
        });
        var client = new ReferralsService.ReferralsServiceClient(channel);
        var merchant = new Metadata
        {
            { "authorization", "Bearer " + DevTokens.Mint(DevTokens.DefaultSigningKey, shop.ToString(), "merchant:referrals:admin merchant:referrals:view", null, TimeSpan.FromHours(2), null, DateTimeOffset.UtcNow) },
        };
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisAddress);
        var cache = redis.GetDatabase();

        if (cachedSteps.Concat(uncachedSteps).Any(c => c <= 0 || referralCount % c != 0))
        {
            await Console.Error.WriteLineAsync("--referrals must be a multiple of every --concurrency step");
            return 2;
        }

        Console.WriteLine($"creating {referralCount} referrals in {shop} …");
        var ids = new string[referralCount];
        await Parallel.ForAsync(0, referralCount, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var request = new CreateReferralRequest
            {
                ShopId = shop.ToString(),
                CustomerId = DevCustomers.PlatformId(shop, 1 + (i % 1000)).ToString(),
                Locale = "en",
                RequestId = $"bench-{Guid.NewGuid():N}",
            };
            // Creating checks the customer with Core; a busy machine's Core stub may miss its deadline. Same request_id, same referral.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    ids[i] = (await client.CreateReferralAsync(request, merchant, cancellationToken: ct)).ReferralId;
                    return;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 5)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
                }
            }
        });

        string[] locales = ["en", "ar", "he"];
        Task Read(int n) => client.GetReferralStatusAsync(new GetReferralStatusRequest
        {
            ShopId = shop.ToString(),
            ReferralId = ids[n % ids.Length],
            Locale = locales[n % locales.Length],
        }, merchant).ResponseAsync;
        Task Drop(int n) => cache.KeyDeleteAsync($"referral:{shop}:{ids[n % ids.Length]}");

        for (var i = 0; i < ids.Length; i++)
            await Read(i); // warm up: JIT, connections, token validation, every entry cached

        Console.WriteLine($"{step.TotalSeconds:F0} s per step against {grpcAddress}");
        Console.WriteLine(LoadResult.Header + " " + ServiceColumns);
        foreach (var concurrency in cachedSteps)
            Report(await MeasureAsync(service, Trace("cached", concurrency), () => LoadRun.RunAsync("cached", concurrency, step, _ => Task.CompletedTask, Read)), json);
        foreach (var concurrency in uncachedSteps)
            Report(await MeasureAsync(service, Trace("uncached", concurrency), () => LoadRun.RunAsync("uncached", concurrency, step, Drop, Read)), json);
        return 0;

        // The step's time but one second, so the trace ends inside the window.
        Func<TraceSession> Trace(string scenario, int concurrency) => () =>
            TraceSession.Start(trace, $"status-{scenario}-{concurrency}", service, step - TimeSpan.FromSeconds(1));
    }

    private const string ServiceColumns = "  cpu ms/read  peak RSS MiB  load avg";

    private static async Task<(LoadResult Result, ServiceUsage Usage)> MeasureAsync(ServiceProcesses service, Func<TraceSession> trace, Func<Task<LoadResult>> step)
    {
        var window = MeasuredWindow.Start(service);
        var profile = trace();
        var result = await step();
        var usage = window.End(result.Requests);
        await profile.WaitAsync();
        return (result, usage);
    }

    private static void Report((LoadResult Result, ServiceUsage Usage) step, string? json)
    {
        var (result, usage) = step;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result} {usage.CpuMsPerOperation,12:0.000}  {string.Join("/", usage.PeakRssMb.Select(m => m.ToString("0", CultureInfo.InvariantCulture))),12}  {usage.LoadAverageEnd,8:0.0}"));
        var figures = new Dictionary<string, object?>
        {
            ["concurrency"] = result.Concurrency,
            ["requests"] = result.Requests,
            ["errors"] = result.Errors,
            ["per_s"] = result.RequestsPerSecond,
            ["p50_ms"] = result.P50Ms,
            ["p99_ms"] = result.P99Ms,
        };
        foreach (var (key, value) in ResultFile.Usage(usage))
            figures[key] = value;
        ResultFile.Append(json, $"status_{result.Scenario}", figures);
    }
}
