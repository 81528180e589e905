using System.Net;
using Grpc.Core;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Purge;

[Collection(IntegrationTier.Name)]
public sealed class PurgeAuditLogsTests(ReferralsApp app)
{
    private static readonly TimeSpan PurgeWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_purge_erases_exactly_the_shops_audit_entries_processed_events_and_redis_keys_and_tells_downstream()
    {
        var ct = TestContext.Current.CancellationToken;
        await ConvertedReferralAsync(ShopifyWebhooks.Main, 811, 812, ct);
        await ConvertedReferralAsync(ShopifyWebhooks.Other, 811, 812, ct);
        await app.SetRedisKeysAsync($"referral:{DevShops.Main}:{Guid.NewGuid()}", $"referral:{DevShops.Other}:{Guid.NewGuid()}");
        var otherBefore = (Audit: await app.AuditEntriesAsync(DevShops.Other, ct), Processed: await app.ProcessedEventsAsync(DevShops.Other, ct),
            Keys: await app.RedisKeysAsync(DevShops.Other));
        var correlationId = $"purge-{Guid.NewGuid():N}";

        var purge = await PurgeAsync(DevShops.Main, DevShops.AdminToken(DevShops.Main), ct, correlationId);
        await Eventually.ReturnsAsync(() => app.PurgeStateAsync(DevShops.Main, ct), state => state == "completed", PurgeWait, ct);
        var notice = KafkaReader.Read(app.KafkaBootstrap, "cache.invalidate", r => r.Headers.GetValueOrDefault("correlation_id") == correlationId,
            count: 1, PurgeWait, ct);
        var audited = KafkaReader.Read(app.KafkaBootstrap, "audit_log", r => r.Headers.GetValueOrDefault("correlation_id") == correlationId,
            count: 1, PurgeWait, ct);

        purge.Status.ShouldBe("running");
        Guid.TryParse(purge.PurgeId, out _).ShouldBeTrue();
        (await app.AuditEntriesAsync(DevShops.Main, ct)).ShouldBe(0);
        (await app.ProcessedEventsAsync(DevShops.Main, ct)).ShouldBe(0);
        (await app.RedisKeysAsync(DevShops.Main)).ShouldBeEmpty();
        otherBefore.Audit.ShouldBeGreaterThan(0);
        otherBefore.Processed.ShouldBeGreaterThan(0);
        (await app.AuditEntriesAsync(DevShops.Other, ct)).ShouldBe(otherBefore.Audit);
        (await app.ProcessedEventsAsync(DevShops.Other, ct)).ShouldBe(otherBefore.Processed);
        (await app.RedisKeysAsync(DevShops.Other)).ShouldBe(otherBefore.Keys, ignoreOrder: true);
        var published = notice.ShouldHaveSingleItem();
        published.Key.ShouldBe(DevShops.Main.ToString());
        published.Payload.GetProperty("type").GetString().ShouldBe("audit_purge");
        published.Payload.GetProperty("key").GetString().ShouldBe($"audit:{DevShops.Main}:*");
        var purged = audited.ShouldHaveSingleItem(); // the purge itself stays on AdminCore's record
        purged.Key.ShouldBe(DevShops.Main.ToString());
        purged.Payload.GetProperty("action").GetString().ShouldBe("audit_purged");
        purged.Payload.GetProperty("entity_id").GetString().ShouldBe(purge.PurgeId);
    }

    [Fact]
    public async Task A_purge_asked_again_while_it_runs_answers_the_same_purge_id_and_one_stopped_by_a_restart_finishes_after_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await ConvertedReferralAsync(ShopifyWebhooks.Main, 821, 822, ct);
        var token = DevShops.AdminToken(DevShops.Main);
        // The service's Redis client reports the connection it lost; what needed Redis fails and is retried.
        using var expected = app.ExpectErrorLogs($"on {app.RedisConnectionString}/", "RedisConnectionException",
            "(Referrals.Service.Features.Purge.PurgeShopData)", "(Referrals.Service.Caching.CacheInvalidate)");

        await app.StopResourceAsync("redis-server", ct); // the purge cannot erase Redis keys, so it keeps running
        PurgeAuditLogsResponse first, again;
        string? whileStopped;
        try
        {
            first = await PurgeAsync(DevShops.Main, token, ct);
            again = await PurgeAsync(DevShops.Main, token, ct);
            await app.StopResourceAsync("referrals", ct);
            whileStopped = await app.PurgeStateAsync(DevShops.Main, ct);
        }
        finally
        {
            await app.StartResourceAsync("redis-server", CancellationToken.None);
        }
        await app.StartResourceAsync("referrals", ct);
        await Eventually.ReturnsAsync(() => app.PurgeStateAsync(DevShops.Main, ct), state => state == "completed", TimeSpan.FromSeconds(60), ct);

        again.PurgeId.ShouldBe(first.PurgeId);
        again.Status.ShouldBe("running");
        whileStopped.ShouldBe("running");
        (await app.AuditEntriesAsync(DevShops.Main, ct)).ShouldBe(0);
        (await app.ProcessedEventsAsync(DevShops.Main, ct)).ShouldBe(0);
    }

    [Theory]
    [InlineData("other_shops_admin", StatusCode.PermissionDenied)]
    [InlineData("read_only_merchant", StatusCode.PermissionDenied)]
    [InlineData("customer_token", StatusCode.PermissionDenied)]
    [InlineData("revoked_token", StatusCode.Unauthenticated)]
    [InlineData("expired_token", StatusCode.Unauthenticated)]
    [InlineData("caller_without_purge_scope", StatusCode.PermissionDenied)]
    public async Task A_purge_with_a_token_that_may_not_purge_the_shop_answers_its_status_and_erases_nothing(string why, StatusCode expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await ConvertedReferralAsync(ShopifyWebhooks.Other, 831, 832, ct);
        var revokedJti = Guid.NewGuid().ToString();
        await app.SetRedisKeysAsync($"jwt_blacklist:{revokedJti}");
        var merchantToken = why switch
        {
            "other_shops_admin" => DevShops.AdminToken(DevShops.Main),
            "read_only_merchant" => DevShops.MerchantToken(DevShops.Other),
            "customer_token" => DevShops.CustomerToken(DevShops.Other, DevShops.Customer(DevShops.Other, 831)),
            "revoked_token" => DevShops.Token(DevShops.Other, "merchant:referrals:admin", jti: revokedJti),
            "expired_token" => DevShops.ExpiredToken(DevShops.Other),
            _ => DevShops.AdminToken(DevShops.Other),
        };
        var callerToken = why == "caller_without_purge_scope" ? DevShops.AdminCoreToken("admin:audit:read") : DevShops.AdminCoreToken();
        var before = (Audit: await app.AuditEntriesAsync(DevShops.Other, ct), Processed: await app.ProcessedEventsAsync(DevShops.Other, ct));

        var refused = await Should.ThrowAsync<RpcException>(() => PurgeAsync(DevShops.Other, merchantToken, ct, callerToken: callerToken));

        refused.StatusCode.ShouldBe(expected);
        (await app.PurgeStateAsync(DevShops.Other, ct)).ShouldBeNull();
        (await app.AuditEntriesAsync(DevShops.Other, ct)).ShouldBe(before.Audit);
        (await app.ProcessedEventsAsync(DevShops.Other, ct)).ShouldBe(before.Processed);
    }

    private async Task<PurgeAuditLogsResponse> PurgeAsync(Guid shop, string merchantToken, CancellationToken ct, string? correlationId = null,
        string? callerToken = null)
    {
        var (client, channel) = app.Client();
        using var _ = channel;
        var metadata = ReferralsGrpc.Bearer(callerToken ?? DevShops.AdminCoreToken());
        if (correlationId is not null)
            metadata.Add("x-correlation-id", correlationId);
        return await client.PurgeAuditLogsAsync(new PurgeAuditLogsRequest { ShopId = shop.ToString(), JwtToken = merchantToken }, metadata,
            cancellationToken: ct);
    }

    private async Task ConvertedReferralAsync(ShopifyWebhooks.DevShop shop, long referrerNumber, long buyerNumber, CancellationToken ct)
    {
        var link = await app.CreateReferralAsync(shop, referrerNumber, ct);
        using var http = app.CreateHttpClient();
        (await http.PostOrderAsync(shop, ShopifyWebhooks.Order(buyerNumber, discountCode: link.LinkId), ct: ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status == "completed", PurgeWait, ct);
    }
}
