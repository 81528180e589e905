using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Npgsql;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Purge;

namespace Referrals.Service.Tests.Security;

/// <summary>
/// A hostile caller over every gRPC method and the bonus-policy REST routes: forged, expired, revoked, oversized,
/// malformed, cross-shop and look-alike tokens, and injection strings in ids and fields. Each gets its defined status,
/// nothing changes in the database, and nothing logs an error (the fixture fails the run otherwise).
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class HostileCallerTests(ReferralsApp app)
{
    private const string Injection = "'; DROP TABLE referrals.mt_doc_referral; --";
    private static readonly string RevokedJti = $"revoked-{Guid.NewGuid():N}";

    public static TheoryData<string, StatusCode> HostileTokens => new()
    {
        { "none", StatusCode.Unauthenticated },
        { "bearer_alone", StatusCode.Unauthenticated },
        { "malformed", StatusCode.Unauthenticated },
        { "oversized", StatusCode.Unauthenticated },
        { "forged", StatusCode.Unauthenticated },
        { "expired", StatusCode.Unauthenticated },
        { "revoked", StatusCode.Unauthenticated },
        { "cross_shop", StatusCode.PermissionDenied },
        { "look_alike", StatusCode.PermissionDenied },
        { "no_scope", StatusCode.PermissionDenied },
    };

    [Theory]
    [MemberData(nameof(HostileTokens))]
    public async Task Every_grpc_method_refuses_a_hostile_token_with_its_status_and_changes_nothing(string token, StatusCode expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var referral = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 471), ct);
        await app.SetRedisKeysAsync($"jwt_blacklist:{RevokedJti}");
        var before = await SnapshotAsync(ct);
        var (client, channel) = app.Client();
        using var _ = channel;
        var metadata = Metadata(token);

        var status = await CodeOfAsync(() => client.GetReferralStatusAsync(new GetReferralStatusRequest
        {
            ShopId = DevShops.Main.ToString(),
            ReferralId = referral.ReferralId,
            Locale = "en",
        }, metadata, cancellationToken: ct).ResponseAsync);
        var create = await CodeOfAsync(() => client.CreateReferralAsync(new CreateReferralRequest
        {
            ShopId = DevShops.Main.ToString(),
            CustomerId = DevShops.Customer(DevShops.Main, 472).ToString(),
            Locale = "en",
            RequestId = Guid.NewGuid().ToString(),
        }, metadata, cancellationToken: ct).ResponseAsync);
        var purgeByCaller = await CodeOfAsync(() => client.PurgeAuditLogsAsync(new PurgeAuditLogsRequest
        {
            ShopId = DevShops.Main.ToString(),
            JwtToken = DevShops.AdminToken(DevShops.Main),
        }, metadata, cancellationToken: ct).ResponseAsync);
        var purgeForMerchant = await CodeOfAsync(() => client.PurgeAuditLogsAsync(new PurgeAuditLogsRequest
        {
            ShopId = DevShops.Main.ToString(),
            JwtToken = RawToken(token),
        }, ReferralsGrpc.Bearer(DevShops.AdminCoreToken()), cancellationToken: ct).ResponseAsync);

        (status, create, purgeByCaller).ShouldBe((expected, expected, expected));
        purgeForMerchant.ShouldBe(token is "none" or "bearer_alone" ? StatusCode.InvalidArgument : expected);
        (await SnapshotAsync(ct)).ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(HostileTokens))]
    public async Task The_bonus_policy_routes_refuse_a_hostile_token_with_its_status_and_change_nothing(string token, StatusCode expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await app.SetRedisKeysAsync($"jwt_blacklist:{RevokedJti}");
        var before = await SnapshotAsync(ct);
        using var http = app.CreateHttpClient();
        var route = $"/shops/{DevShops.Main}/tier-bonus-policy";
        var http401Or403 = expected == StatusCode.Unauthenticated ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;

        using var get = new HttpRequestMessage(HttpMethod.Get, route);
        using var put = new HttpRequestMessage(HttpMethod.Put, route) { Content = JsonContent.Create(ExtremePolicy) };
        foreach (var request in new[] { get, put })
            if (token != "none")
                request.Headers.TryAddWithoutValidation("Authorization", token == "bearer_alone" ? "Bearer" : $"Bearer {RawToken(token)}");
        var read = await http.SendAsync(get, ct);
        var write = await http.SendAsync(put, ct);

        read.StatusCode.ShouldBe(http401Or403);
        write.StatusCode.ShouldBe(http401Or403);
        write.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await SnapshotAsync(ct)).ShouldBe(before);
    }

    [Fact]
    public async Task Injection_strings_in_ids_are_invalid_arguments_and_in_free_fields_are_just_text()
    {
        var ct = TestContext.Current.CancellationToken;
        var (client, channel) = app.Client();
        using var _ = channel;
        var admin = ReferralsGrpc.Bearer(DevShops.AdminToken(DevShops.Main));
        var referral = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 473), ct);
        var before = await SnapshotAsync(ct);

        var badShop = await CodeOfAsync(() => client.GetReferralStatusAsync(new GetReferralStatusRequest
        {
            ShopId = Injection,
            ReferralId = referral.ReferralId,
        }, ReferralsGrpc.Bearer(DevShops.MerchantToken(DevShops.Main)), cancellationToken: ct).ResponseAsync);
        var badReferral = await CodeOfAsync(() => client.GetReferralStatusAsync(new GetReferralStatusRequest
        {
            ShopId = DevShops.Main.ToString(),
            ReferralId = "1 OR 1=1",
        }, ReferralsGrpc.Bearer(DevShops.MerchantToken(DevShops.Main)), cancellationToken: ct).ResponseAsync);
        var badCustomer = await CodeOfAsync(() => client.CreateReferralAsync(new CreateReferralRequest
        {
            ShopId = DevShops.Main.ToString(),
            CustomerId = Injection,
            RequestId = Guid.NewGuid().ToString(),
        }, admin, cancellationToken: ct).ResponseAsync);
        var badPurgeShop = await CodeOfAsync(() => client.PurgeAuditLogsAsync(new PurgeAuditLogsRequest
        {
            ShopId = Injection,
            JwtToken = DevShops.AdminToken(DevShops.Main),
        }, ReferralsGrpc.Bearer(DevShops.AdminCoreToken()), cancellationToken: ct).ResponseAsync);
        var textLocale = await app.GetStatusAsync(DevShops.Main, referral.ReferralId, DevShops.MerchantToken(DevShops.Main), ct, Injection);
        var afterRefusals = await SnapshotAsync(ct);
        var textRequestId = await client.CreateReferralAsync(new CreateReferralRequest
        {
            ShopId = DevShops.Main.ToString(),
            CustomerId = DevShops.Customer(DevShops.Main, 474).ToString(),
            Locale = Injection,
            RequestId = Injection + Guid.NewGuid(),
        }, admin, cancellationToken: ct);

        (badShop, badReferral, badCustomer, badPurgeShop).ShouldBe(
            (StatusCode.InvalidArgument, StatusCode.InvalidArgument, StatusCode.InvalidArgument, StatusCode.InvalidArgument));
        textLocale.Locale.ShouldBe("en");
        afterRefusals.ShouldBe(before);
        textRequestId.Status.ShouldBe(ReferralStatus.Pending);
        (await SnapshotAsync(ct)).Referrals.ShouldBe(before.Referrals + 1);
    }

    [Fact]
    public async Task An_injection_string_as_the_route_shop_is_forbidden_and_a_script_as_a_tier_id_is_a_bad_request()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        var before = await SnapshotAsync(ct);

        var routeShop = await admin.GetAsync($"/shops/{Uri.EscapeDataString(Injection)}/tier-bonus-policy", ct);
        var script = await admin.PutAsJsonAsync($"/shops/{DevShops.Main}/tier-bonus-policy", new
        {
            look_back_days = 7,
            tiers = new[] { new { tier_id = "<script>alert(1)</script>", multiplier = 2.0, bonus_points = 1 } },
        }, ct);

        routeShop.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        script.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SnapshotAsync(ct)).ShouldBe(before);
    }

    private static readonly object ExtremePolicy = new
    {
        look_back_days = 365,
        tiers = new[] { new { tier_id = "vip", multiplier = 10.0, bonus_points = 100_000 } },
    };

    private static Metadata Metadata(string token) => token switch
    {
        "none" => [],
        "bearer_alone" => new Metadata { { "authorization", "Bearer" } },
        _ => ReferralsGrpc.Bearer(RawToken(token)),
    };

    /// <summary>Each hostile token carries every scope it could use, so only what is wrong with it refuses it.</summary>
    private static string RawToken(string token)
    {
        const string all = "merchant:referrals:view merchant:referrals:admin customer:referrals:view admin:audit:purge";
        return token switch
        {
            "none" or "bearer_alone" => "",
            "malformed" => "not.a-jwt",
            "oversized" => new string('a', 100 * 1024),
            "forged" => DevShops.ForgedToken(DevShops.Main, all),
            "expired" => DevShops.ExpiredToken(DevShops.Main, all),
            "revoked" => DevShops.Token(DevShops.Main, all, subject: DevShops.Customer(DevShops.Main, 472), jti: RevokedJti),
            // admin:audit:purge is AdminCore's, platform-wide whatever its shop_id: a cross-shop token cannot carry it.
            "cross_shop" => DevShops.Token(DevShops.Other, "merchant:referrals:view merchant:referrals:admin customer:referrals:view",
                subject: DevShops.Customer(DevShops.Main, 472)),
            "look_alike" => DevShops.Token(DevShops.Main,
                "merchant:referrals:viewer MERCHANT:REFERRALS:ADMIN merchant:referrals:* customer:referrals:view\t admin:audit:purge\u00a0"),
            "no_scope" => DevShops.NoScopeToken(DevShops.Main),
            _ => throw new ArgumentOutOfRangeException(nameof(token), token, null),
        };
    }

    private sealed record Snapshot(long Referrals, string? MainPurge, string? OtherPurge, string? MainPolicy);

    private async Task<Snapshot> SnapshotAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var count = new NpgsqlCommand("select count(*) from referrals.mt_doc_referral where tenant_id = @shop", connection);
        count.Parameters.AddWithValue("shop", DevShops.Main.ToString());
        using var admin = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        var policy = await admin.GetAsync($"/shops/{DevShops.Main}/tier-bonus-policy", ct);
        return new Snapshot((long)(await count.ExecuteScalarAsync(ct))!, await app.PurgeStateAsync(DevShops.Main, ct),
            await app.PurgeStateAsync(DevShops.Other, ct),
            policy.StatusCode == HttpStatusCode.OK ? await policy.Content.ReadAsStringAsync(ct) : null);
    }

    private static async Task<StatusCode> CodeOfAsync<T>(Func<Task<T>> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
