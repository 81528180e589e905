using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Purge;
using Referrals.Service.Tests.Reliability;
using StackExchange.Redis;

namespace Referrals.Service.Tests.Auth;

/// <summary>
/// The jti blacklist lives in Redis. With Redis away or hung, destructive calls fail closed (503 / UNAVAILABLE) and
/// reads go on on Auth's word (README, "Who may call what").
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class JwtBlacklistUnavailableTests(ReferralsApp app)
{
    private static readonly string Route = $"/shops/{DevShops.Other}/tier-bonus-policy";

    [Fact]
    public async Task With_redis_stopped_admin_writes_and_purges_are_unavailable_and_change_nothing_while_reads_go_on()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await app.CreateReferralAsync(DevShops.Other, DevShops.Customer(DevShops.Other, 451), ct);
        using var admin = app.AdminClient(DevShops.AdminToken(DevShops.Other));
        var policyBefore = await admin.GetStringAsync(Route, ct);
        var purgeBefore = await app.PurgeStateAsync(DevShops.Other, ct);
        // The service's Redis client reports the connection it lost.
        using var expected = app.ExpectErrorLogs($"on {app.RedisConnectionString}/", "RedisConnectionException");

        await app.StopResourceAsync("redis-server", ct);
        HttpResponseMessage put, get;
        RpcException purge;
        GetReferralStatusResponse status;
        try
        {
            put = await admin.PutAsJsonAsync(Route, Policy, ct);
            get = await admin.GetAsync(Route, ct);
            purge = await Should.ThrowAsync<RpcException>(() => PurgeAsync(DevShops.Other, ct));
            status = await app.GetStatusAsync(DevShops.Other, created.ReferralId, DevShops.MerchantToken(DevShops.Other), ct);
        }
        finally
        {
            await app.StartResourceAsync("redis-server", ct);
        }

        put.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        put.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        get.StatusCode.ShouldBe(HttpStatusCode.OK);
        purge.StatusCode.ShouldBe(StatusCode.Unavailable);
        status.Status.ShouldBe(ReferralStatus.Pending);
        (await admin.GetStringAsync(Route, ct)).ShouldBe(policyBefore);
        (await app.PurgeStateAsync(DevShops.Other, ct)).ShouldBe(purgeBefore);
    }

    [Fact]
    public async Task With_redis_hung_an_admin_write_and_a_purge_are_unavailable_at_once_not_a_500_after_redis_times_out()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = app.AdminClient(DevShops.AdminToken(DevShops.Other));
        var policyBefore = await admin.GetStringAsync(Route, ct);
        var purgeBefore = await app.PurgeStateAsync(DevShops.Other, ct);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        var pause = TimeSpan.FromSeconds(5);

        var paused = Stopwatch.StartNew();
        await redis.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", ((long)pause.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "ALL");
        var put = await admin.PutAsJsonAsync(Route, Policy, ct);
        var purge = await Should.ThrowAsync<RpcException>(() => PurgeAsync(DevShops.Other, ct));
        var answeredWithin = paused.Elapsed;
        await redis.GetDatabase().ExecuteAsync("CLIENT", "UNPAUSE");
        await app.UntilRedisIsUsedAgainAsync(ct); // the breaker the hung Redis opened has closed again

        put.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        purge.StatusCode.ShouldBe(StatusCode.Unavailable);
        answeredWithin.ShouldBeLessThan(pause); // neither waited for the hung Redis
        (await admin.GetStringAsync(Route, ct)).ShouldBe(policyBefore);
        (await app.PurgeStateAsync(DevShops.Other, ct)).ShouldBe(purgeBefore);
    }

    private static readonly Dictionary<string, object> Policy = new()
    {
        ["look_back_days"] = 7,
        ["tiers"] = new[] { new Dictionary<string, object> { ["tier_id"] = "vip", ["multiplier"] = 10.0, ["bonus_points"] = 100_000 } },
    };

    private async Task<PurgeAuditLogsResponse> PurgeAsync(Guid shop, CancellationToken ct)
    {
        var (client, channel) = app.Client();
        using var _ = channel;
        return await client.PurgeAuditLogsAsync(new PurgeAuditLogsRequest { ShopId = shop.ToString(), JwtToken = DevShops.AdminToken(shop) },
            ReferralsGrpc.Bearer(DevShops.AdminCoreToken()), cancellationToken: ct);
    }
}
