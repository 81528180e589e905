using System.Net;
using System.Text;
using Npgsql;
using Referrals.Service.Tests.Infrastructure;
using StackExchange.Redis;

namespace Referrals.Service.Tests.Translations;

[Collection(IntegrationTier.Name)]
public sealed class RightToLeftRoundTripTests(ReferralsApp app)
{
    [Theory]
    [InlineData("ar", "referral.status.pending", "\u200Fالإحالةُ مُعلَّقة\u200F")]
    [InlineData("he", "referral.status.pending", "\u200Fהַהַפְנָיָה ממתינה\u05BE\u200F")]
    public async Task Right_to_left_text_round_trips_byte_for_byte_through_postgres_redis_and_grpc(string locale, string key, string text)
    {
        // A shop's override, on the second dev shop: dev-shop's tests read the platform's pending texts.
        var ct = TestContext.Current.CancellationToken;
        using var http = app.AdminClient(DevShops.AdminToken(DevShops.Other));
        var created = await app.CreateReferralAsync(DevShops.Other, DevShops.Customer(DevShops.Other, 60), ct);
        (await http.AddOverrideVersionAsync(DevShops.Other, key, locale, text, ct)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var overGrpc = await app.GetStatusAsync(DevShops.Other, created.ReferralId, DevShops.MerchantToken(DevShops.Other), ct, locale);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        var inRedis = (byte[]?)await redis.GetDatabase().StringGetAsync($"translations:{DevShops.Other}:{key}:{locale}");
        var inPostgres = await CurrentValueInPostgresAsync(key, locale, ct);

        var expected = Encoding.UTF8.GetBytes(text);
        Encoding.UTF8.GetBytes(overGrpc.Description).ShouldBe(expected);
        inRedis.ShouldBe(expected);
        inPostgres.ShouldBe(expected);
    }

    private async Task<byte[]> CurrentValueInPostgresAsync(string key, string locale, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            select convert_to(data ->> 'value', 'UTF8') from referrals.mt_doc_translationoverride
            where tenant_id = @shop and key = @key and locale = @locale order by version desc limit 1
            """,
            connection);
        command.Parameters.AddWithValue("shop", DevShops.Other.ToString());
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("locale", locale);
        return (byte[])(await command.ExecuteScalarAsync(ct))!;
    }
}
