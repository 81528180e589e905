using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Auth;

/// <summary>The README's "Who may call what", row by row, against the running service.</summary>
[Collection(IntegrationTier.Name)]
public sealed class WhoMayCallWhatTests(ReferralsApp app)
{
    private static readonly Guid Owner = DevShops.Customer(DevShops.Main, 461);
    private static readonly Guid Someone = DevShops.Customer(DevShops.Main, 462);

    public static TheoryData<string, bool, StatusCode> StatusReaders => new()
    {
        { "merchant_view", true, StatusCode.OK },
        { "merchant_view", false, StatusCode.NotFound },
        { "customer_owner", true, StatusCode.OK },
        { "customer_someone_else", true, StatusCode.PermissionDenied },
        { "customer_someone_else", false, StatusCode.PermissionDenied },
        { "merchant_admin_only", true, StatusCode.PermissionDenied },
        { "no_referral_scope", true, StatusCode.PermissionDenied },
        { "no_referral_scope", false, StatusCode.PermissionDenied },
        { "other_shops_merchant", true, StatusCode.PermissionDenied },
        { "other_shops_merchant", false, StatusCode.PermissionDenied },
        { "operator", true, StatusCode.PermissionDenied },
    };

    [Theory]
    [MemberData(nameof(StatusReaders))]
    public async Task GetReferralStatus_answers_a_reader_of_the_shop_and_denies_the_rest_before_any_lookup(string who, bool exists, StatusCode expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await app.CreateReferralAsync(DevShops.Main, Owner, ct);
        var referralId = exists ? created.ReferralId : Guid.NewGuid().ToString();

        var code = await CodeOfAsync(() => app.GetStatusAsync(DevShops.Main, referralId, TokenOf(who), ct));

        code.ShouldBe(expected);
    }

    public static TheoryData<string, Guid, StatusCode> Creators => new()
    {
        { "customer_owner", Owner, StatusCode.OK },
        { "customer_owner", Someone, StatusCode.PermissionDenied },
        { "merchant_admin_only", Someone, StatusCode.OK },
        { "merchant_view", Someone, StatusCode.PermissionDenied },
        { "no_referral_scope", Owner, StatusCode.PermissionDenied },
        { "other_shops_admin", Someone, StatusCode.PermissionDenied },
        { "operator", Someone, StatusCode.PermissionDenied },
    };

    [Theory]
    [MemberData(nameof(Creators))]
    public async Task CreateReferral_is_for_a_customer_themselves_or_a_merchant_admin_for_any_customer(string who, Guid customer, StatusCode expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var (client, channel) = app.Client();
        using var _ = channel;

        var code = await CodeOfAsync(() => client.CreateReferralAsync(new CreateReferralRequest
        {
            ShopId = DevShops.Main.ToString(),
            CustomerId = customer.ToString(),
            Locale = "en",
            RequestId = Guid.NewGuid().ToString(),
        }, ReferralsGrpc.Bearer(TokenOf(who)), cancellationToken: ct).ResponseAsync);

        code.ShouldBe(expected);
    }

    [Theory]
    [InlineData("merchant_view", HttpStatusCode.OK, HttpStatusCode.Forbidden)]
    [InlineData("merchant_admin_only", HttpStatusCode.OK, HttpStatusCode.OK)]
    [InlineData("customer_owner", HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData("no_referral_scope", HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData("other_shops_admin", HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData("operator", HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData("none", HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized)]
    public async Task The_tier_bonus_policy_is_read_by_the_shops_merchants_and_replaced_by_its_admins_only(string who, HttpStatusCode get,
        HttpStatusCode put)
    {
        var ct = TestContext.Current.CancellationToken;
        var route = $"/shops/{DevShops.Main}/tier-bonus-policy";
        using var http = who == "none" ? app.CreateHttpClient() : app.AdminClient(TokenOf(who));
        using var admin = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        var current = await admin.GetAsync(route, ct);
        var unchanged = current.StatusCode == HttpStatusCode.OK ? await current.Content.ReadAsStringAsync(ct) : null;

        var read = await http.GetAsync(route, ct);
        var replaced = await http.PutAsJsonAsync(route, SamePolicy(unchanged), ct);

        (read.StatusCode == HttpStatusCode.NotFound ? HttpStatusCode.OK : read.StatusCode).ShouldBe(get); // NotFound: let in, no policy yet
        replaced.StatusCode.ShouldBe(put);
    }

    [Fact]
    public async Task Another_shops_admin_is_forbidden_on_the_tier_bonus_policy_before_its_body_is_validated()
    {
        var ct = TestContext.Current.CancellationToken;
        using var otherAdmin = app.AdminClient(DevShops.AdminToken(DevShops.Other));
        var route = $"/shops/{DevShops.Main}/tier-bonus-policy";

        var invalidBody = await otherAdmin.PutAsJsonAsync(route, new { look_back_days = 0, tiers = Array.Empty<object>() }, ct);
        var notJson = await otherAdmin.PutAsync(route, new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"), ct);
        var read = await otherAdmin.GetAsync(route, ct);

        invalidBody.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        notJson.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        read.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    /// <summary>The policy as it is (or a valid one when there is none), so an allowed PUT changes nothing for the other tests.</summary>
    private static System.Text.Json.JsonElement SamePolicy(string? current) =>
        System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(current
            ?? """{"look_back_days":30,"tiers":[{"tier_id":"bronze","multiplier":1.0,"bonus_points":0}]}""");

    private static string TokenOf(string who) => who switch
    {
        "merchant_view" => DevShops.MerchantToken(DevShops.Main),
        "merchant_admin_only" => DevShops.AdminToken(DevShops.Main),
        "customer_owner" => DevShops.CustomerToken(DevShops.Main, Owner),
        "customer_someone_else" => DevShops.CustomerToken(DevShops.Main, Someone),
        "no_referral_scope" => DevShops.NoScopeToken(DevShops.Main),
        "other_shops_merchant" => DevShops.MerchantToken(DevShops.Other),
        "other_shops_admin" => DevShops.Token(DevShops.Other, "merchant:referrals:admin merchant:referrals:view"),
        "operator" => DevShops.OperatorToken(),
        _ => throw new ArgumentOutOfRangeException(nameof(who), who, null),
    };

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
