using Referrals.Contracts.V1;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.StatusReads;

[Collection(IntegrationTier.Name)]
public sealed class StatusWithoutRedisTests(ReferralsApp app)
{
    [Fact]
    public async Task With_redis_stopped_statuses_and_descriptions_come_from_postgres_and_stay_correct()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = DevShops.MerchantToken(DevShops.Main);
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 43), ct);
        var cachedBefore = await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct, "ar");
        var cancelled = await app.DocumentStatusAsync(created.ReferralId, ct) == "pending" ? "cancelled" : "Cancelled";
        // The service's Redis client reports the connection it lost.
        using var expected = app.ExpectErrorLogs($"on {app.RedisConnectionString}/", "RedisConnectionException");

        await app.StopResourceAsync("redis-server", ct);
        GetReferralStatusResponse whileStopped;
        try
        {
            // Changed while Redis is away: only Postgres knows; the stale Redis copy is gone with Redis.
            await app.SetStatusInDatabaseAsync(created.ReferralId, cancelled, ct);
            whileStopped = await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct, "he");
        }
        finally
        {
            await app.StartResourceAsync("redis-server", ct);
        }

        cachedBefore.Status.ShouldBe(ReferralStatus.Pending);
        whileStopped.Status.ShouldBe(ReferralStatus.Cancelled);
        whileStopped.Description.ShouldBe("ההפניה בוטלה");
        whileStopped.Locale.ShouldBe("he");
    }
}
