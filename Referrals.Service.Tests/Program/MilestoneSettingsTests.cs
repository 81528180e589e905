using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Program;

/// <summary>The milestones in the program settings: none by default, replaced whole, validated, audited by name.</summary>
[Collection(IntegrationTier.Name)]
public sealed class MilestoneSettingsTests(ReferralsApp app)
{
    private static readonly Guid ShopId = ProgramFlow.Shop.Id;
    private static readonly string Route = ProgramFlow.SettingsRoute(ShopId);

    [Fact]
    public async Task A_shop_has_no_milestones_until_its_admin_sets_them_and_the_change_is_audited_as_milestones()
    {
        var ct = TestContext.Current.CancellationToken;
        var jti = $"milestones-{Guid.NewGuid():N}";
        using var admin = app.AdminClient(DevShops.Token(ShopId, "merchant:referrals:admin", jti: jti));
        using var merchant = app.AdminClient(DevShops.MerchantToken(ShopId));
        var before = await merchant.GetFromJsonAsync<JsonElement>(Route, ct);

        JsonElement after;
        HttpResponseMessage put;
        try
        {
            put = await admin.PutAsJsonAsync(Route, new { milestones = new[] { new { qualified = 5, points = 500 }, new { qualified = 10, points = 1500 } } }, ct);
            after = await merchant.GetFromJsonAsync<JsonElement>(Route, ct);
        }
        finally
        {
            await admin.PutAsJsonAsync(Route, new { }, ct);
        }

        before.GetProperty("milestones").GetArrayLength().ShouldBe(0);
        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        after.GetProperty("milestones").EnumerateArray().Select(m => (m.GetProperty("qualified").GetInt32(), m.GetProperty("points").GetInt32()))
            .ShouldBe([(5, 500), (10, 1500)]);
        var audit = KafkaReader.Read(app.KafkaBootstrap, "audit_log", r => r.Payload.ToString().Contains(jti, StringComparison.Ordinal),
            1, TimeSpan.FromSeconds(20), ct).ShouldHaveSingleItem().Payload;
        audit.GetProperty("reason").GetString().ShouldBe($"token {jti} changed milestones");
    }

    [Theory]
    [InlineData("[{\"qualified\":5,\"points\":500},{\"qualified\":5,\"points\":900}]", "increasing")]
    [InlineData("[{\"qualified\":10,\"points\":500},{\"qualified\":5,\"points\":900}]", "increasing")]
    [InlineData("[{\"qualified\":0,\"points\":500}]", "qualified")]
    [InlineData("[{\"qualified\":5,\"points\":0}]", "points")]
    [InlineData("[{\"qualified\":5,\"points\":-10}]", "points")]
    public async Task Milestones_that_are_not_positive_and_strictly_increasing_are_refused_and_change_nothing(string milestones, string field)
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = app.AdminClient(DevShops.AdminToken(ShopId));

        var refused = await admin.PutAsync(Route, new StringContent($"{{\"milestones\":{milestones}}}", System.Text.Encoding.UTF8, "application/json"), ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync(ct)).ShouldContain(field, Case.Insensitive);
        (await admin.GetFromJsonAsync<JsonElement>(Route, ct)).GetProperty("milestones").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task More_than_twenty_milestones_are_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = app.AdminClient(DevShops.AdminToken(ShopId));

        var refused = await admin.PutAsJsonAsync(Route,
            new { milestones = Enumerable.Range(1, 21).Select(n => new { qualified = n, points = 100 }) }, ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync(ct)).ShouldContain("at most 20 milestones");
    }
}
