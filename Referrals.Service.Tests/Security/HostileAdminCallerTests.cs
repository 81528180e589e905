using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Purge;

namespace Referrals.Service.Tests.Security;

/// <summary>
/// A hostile caller over the admin REST routes of texts and the shop registry: no, malformed, oversized, forged,
/// expired, revoked, cross-shop, look-alike and scope-less tokens. Each is refused 401 or 403 with problem details
/// before anything is read or written: the shop's texts, the platform's texts and the registry stay as they were, and
/// nothing logs an error (the fixture fails the run otherwise).
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class HostileAdminCallerTests(ReferralsApp app)
{
    private static readonly string RevokedJti = $"revoked-admin-{Guid.NewGuid():N}";
    private static readonly Guid UnregisteredShop = Guid.NewGuid();

    [Theory]
    [MemberData(nameof(HostileCallerTests.HostileTokens), MemberType = typeof(HostileCallerTests))]
    public async Task The_text_and_registry_routes_refuse_a_hostile_token_and_change_nothing(string token, StatusCode refusal)
    {
        var expected = refusal == StatusCode.Unauthenticated ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
        var ct = TestContext.Current.CancellationToken;
        await app.SetRedisKeysAsync($"jwt_blacklist:{RevokedJti}");
        var before = await SnapshotAsync(ct);
        using var http = app.CreateHttpClient();
        var text = new { key = "referral.status.pending", locale = "en", value = "Hijacked by a hostile caller" };

        HttpRequestMessage[] shopRoutes =
        [
            new(HttpMethod.Get, $"/admin/shops/{DevShops.Main}/translations"),
            new(HttpMethod.Post, $"/admin/shops/{DevShops.Main}/translations") { Content = JsonContent.Create(text) },
        ];
        HttpRequestMessage[] platformRoutes =
        [
            new(HttpMethod.Get, "/admin/translations"),
            new(HttpMethod.Post, "/admin/translations") { Content = JsonContent.Create(text) },
            new(HttpMethod.Put, $"/admin/shops/{UnregisteredShop}")
            {
                Content = JsonContent.Create(new { domain = "hostile-shop.myshopify.com", allow_test_orders = true, active = true }),
            },
        ];

        var answers = new List<(string Route, HttpStatusCode Status, string? MediaType)>();
        foreach (var (requests, scope) in new[] { (shopRoutes, MerchantScopes), (platformRoutes, OperatorScope) })
        {
            foreach (var request in requests)
            {
                using (request)
                {
                    Authorize(request, token, scope);
                    var response = await http.SendAsync(request, ct);
                    answers.Add(($"{request.Method} {request.RequestUri}", response.StatusCode, response.Content.Headers.ContentType?.MediaType));
                }
            }
        }

        answers.ShouldAllBe(answer => answer.Status == expected && answer.MediaType == "application/problem+json");
        (await SnapshotAsync(ct)).ShouldBe(before);
    }

    private const string MerchantScopes = "merchant:referrals:view merchant:referrals:admin";
    private const string OperatorScope = "platform:referrals:operator";

    /// <summary>Each hostile token carries the scope the route needs, so only what is wrong with it refuses it.</summary>
    private static void Authorize(HttpRequestMessage request, string token, string scope)
    {
        var shop = scope == OperatorScope ? DevShops.Platform : DevShops.Main;
        var value = token switch
        {
            "none" => null,
            "bearer_alone" => "Bearer",
            "malformed" => "Bearer not.a-jwt",
            "oversized" => $"Bearer {new string('a', 100 * 1024)}",
            "forged" => $"Bearer {DevShops.ForgedToken(shop, scope)}",
            "expired" => $"Bearer {DevShops.ExpiredToken(shop, scope)}",
            "revoked" => $"Bearer {DevShops.Token(shop, scope, jti: RevokedJti)}",
            // Another shop's admin for the shop's routes; for the platform's, a shop's admin is no operator.
            "cross_shop" => $"Bearer {DevShops.Token(scope == OperatorScope ? DevShops.Main : DevShops.Other, MerchantScopes)}",
            "look_alike" => $"Bearer {DevShops.Token(shop, scope == OperatorScope
                ? "platform:referrals:operators PLATFORM:REFERRALS:OPERATOR platform:referrals:* platform-referrals-operator"
                : "merchant:referrals:administrator MERCHANT:REFERRALS:ADMIN merchant:referrals:* merchant.referrals.admin")}",
            "no_scope" => $"Bearer {DevShops.NoScopeToken(shop)}",
            _ => throw new ArgumentOutOfRangeException(nameof(token), token, null),
        };
        if (value is not null)
            request.Headers.TryAddWithoutValidation("Authorization", value);
    }

    private sealed record Snapshot(string ShopTexts, string PlatformTexts, string Registry);

    private async Task<Snapshot> SnapshotAsync(CancellationToken ct)
    {
        using var admin = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        using var operatorClient = app.OperatorClient();
        return new Snapshot(
            JsonSerializer.Serialize(await admin.ListOverridesAsync(DevShops.Main, ct)),
            JsonSerializer.Serialize(await operatorClient.ListPlatformVersionsAsync(ct)),
            await app.RegistrySnapshotAsync(ct));
    }
}
