using System.CommandLine;
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
        var concurrency = new Option<int[]>("--concurrency") { Description = "concurrency steps", DefaultValueFactory = _ => [16, 64, 256], AllowMultipleArgumentsPerToken = true };
        var command = new Command("status", "GetReferralStatus requests/s and p50/p99, cached and uncached") { grpc, redis, seconds, referrals, concurrency };
        command.SetAction((parsed, _) => RunAsync(parsed.GetValue(grpc)!, parsed.GetValue(redis)!, TimeSpan.FromSeconds(parsed.GetValue(seconds)),
            parsed.GetValue(referrals), parsed.GetValue(concurrency)!));
        return command;
    }

    private static async Task<int> RunAsync(string grpcAddress, string redisAddress, TimeSpan step, int referralCount, int[] steps)
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

        if (steps.Any(c => c <= 0 || referralCount % c != 0))
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
        Console.WriteLine(LoadResult.Header);
        foreach (var concurrency in steps)
            Console.WriteLine(await LoadRun.RunAsync("cached", concurrency, step, _ => Task.CompletedTask, Read));
        foreach (var concurrency in steps)
            Console.WriteLine(await LoadRun.RunAsync("uncached", concurrency, step, Drop, Read));
        return 0;
    }
}
