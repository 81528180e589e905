using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Tiers;

[Collection(IntegrationTier.Name)]
public sealed class BonusPolicyEndpointTests(ReferralsApp app)
{
    private static readonly string Route = $"/shops/{DevShops.Other}/tier-bonus-policy";

    [Fact]
    public async Task The_shops_merchant_admin_reads_the_seeded_example_policy_and_replaces_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = Authorized(DevShops.AdminToken(DevShops.Other));
        var seeded = await http.GetFromJsonAsync<JsonElement>(Route, ct);

        var replaced = await http.PutAsJsonAsync(Route, Policy(lookBackDays: 7, ("vip", 3.0, 500)), ct);
        var after = await http.GetFromJsonAsync<JsonElement>(Route, ct);
        await http.PutAsJsonAsync(Route, Policy(30, ("bronze", 1.0, 0), ("silver", 1.25, 0), ("gold", 1.5, 100), ("platinum", 2.0, 250)), ct);

        seeded.GetProperty("look_back_days").GetInt32().ShouldBe(30);
        seeded.GetProperty("tiers").EnumerateArray().Select(t => (t.GetProperty("tier_id").GetString(), t.GetProperty("multiplier").GetDouble()))
            .ShouldBe([("bronze", 1.0), ("silver", 1.25), ("gold", 1.5), ("platinum", 2.0)]);
        replaced.StatusCode.ShouldBe(HttpStatusCode.OK);
        after.GetProperty("look_back_days").GetInt32().ShouldBe(7);
        var vip = after.GetProperty("tiers").EnumerateArray().ShouldHaveSingleItem();
        vip.GetProperty("tier_id").GetString().ShouldBe("vip");
        vip.GetProperty("bonus_points").GetInt32().ShouldBe(500);
    }

    [Fact]
    public async Task Another_shops_merchant_a_customer_and_a_caller_without_a_token_are_refused_with_problem_details()
    {
        var ct = TestContext.Current.CancellationToken;
        using var otherMerchant = Authorized(DevShops.AdminToken(DevShops.Main));
        using var customer = Authorized(DevShops.CustomerToken(DevShops.Other, DevShops.Customer(DevShops.Other, 1)));
        using var anonymous = app.CreateHttpClient();

        var wrongShop = await otherMerchant.PutAsJsonAsync(Route, Policy(7, ("vip", 3.0, 0)), ct);
        var notMerchant = await customer.GetAsync(Route, ct);
        var noToken = await anonymous.GetAsync(Route, ct);
        var seeded = await Authorized(DevShops.MerchantToken(DevShops.Other)).GetFromJsonAsync<JsonElement>(Route, ct);

        wrongShop.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        wrongShop.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        notMerchant.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        noToken.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        seeded.GetProperty("look_back_days").GetInt32().ShouldBe(30);
    }

    [Fact]
    public async Task A_policy_with_a_multiplier_below_one_or_duplicate_tiers_is_refused_with_problem_details()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = Authorized(DevShops.AdminToken(DevShops.Other));

        var belowOne = await http.PutAsJsonAsync(Route, Policy(7, ("vip", 0.5, 0)), ct);
        var duplicate = await http.PutAsJsonAsync(Route, Policy(7, ("vip", 1.5, 0), ("vip", 2.0, 0)), ct);
        var noWindow = await http.PutAsJsonAsync(Route, Policy(0, ("vip", 1.5, 0)), ct);

        foreach (var response in new[] { belowOne, duplicate, noWindow })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }
        (await http.GetFromJsonAsync<JsonElement>(Route, ct)).GetProperty("look_back_days").GetInt32().ShouldBe(30);
    }

    private HttpClient Authorized(string token)
    {
        var http = app.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static Dictionary<string, object> Policy(int lookBackDays, params (string Tier, double Multiplier, int Points)[] tiers) => new Dictionary<string, object>
    {
        ["look_back_days"] = lookBackDays,
        ["tiers"] = tiers.Select(t => new Dictionary<string, object> { ["tier_id"] = t.Tier, ["multiplier"] = t.Multiplier, ["bonus_points"] = t.Points }).ToArray(),
    };
}
