using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Referrals.Service.Tests.Infrastructure;
using StackExchange.Redis;

namespace Referrals.Service.Tests.Translations;

[Collection(IntegrationTier.Name)]
public sealed class AddTranslationVersionTests(ReferralsApp app)
{
    [Fact]
    public async Task A_new_version_becomes_the_only_current_one_and_its_cached_text_is_dropped()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        const string key = "referral.status.failed";
        await redis.GetDatabase().StringSetAsync($"translations:{key}:he", "stale", TimeSpan.FromHours(1));
        var before = await http.ListTranslationsAsync(DevShops.Main, ct, key);

        var response = await http.AddTranslationVersionAsync(DevShops.Main, key, "he", "ההפניה לא הצליחה", ct);
        var added = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        var after = await http.ListTranslationsAsync(DevShops.Main, ct, key);
        var published = KafkaReader.Read(app.KafkaBootstrap, "cache.invalidate",
            record => record.Payload.GetProperty("key").GetString() == $"translations:{key}:he", count: 1, TimeSpan.FromSeconds(10), ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        added.GetProperty("version").GetInt32().ShouldBe(before.Where(Hebrew).Max(v => v.GetProperty("version").GetInt32()) + 1);
        added.GetProperty("created_at").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-1));
        var currentHebrew = after.Where(Hebrew).Current().ShouldHaveSingleItem();
        currentHebrew.GetProperty("value").GetString().ShouldBe("ההפניה לא הצליחה");
        currentHebrew.GetProperty("id").GetGuid().ShouldBe(added.GetProperty("id").GetGuid());
        after.Where(Hebrew).Count().ShouldBe(before.Where(Hebrew).Count() + 1);
        (await redis.GetDatabase().KeyExistsAsync($"translations:{key}:he")).ShouldBeFalse();
        var invalidation = published.ShouldHaveSingleItem();
        invalidation.Key.ShouldBe(DevShops.Main.ToString());
        invalidation.Headers["event_type"].ShouldBe("cache.invalidate");
        invalidation.Headers["schema_version"].ShouldBe("1.0.0");
        invalidation.Headers.ShouldContainKey("correlation_id");
        invalidation.Payload.GetProperty("type").GetString().ShouldBe("translation");
        invalidation.Payload.GetProperty("locale").GetString().ShouldBe("he");
        invalidation.Payload.GetProperty("shop_id").GetGuid().ShouldBe(DevShops.Main);
    }

    [Theory]
    [InlineData("referral.status.failed", "ar", "Referral failed", "script_matches_locale")]
    [InlineData("referral.status.failed", "he", "فشلت الإحالة", "script_matches_locale")]
    [InlineData("referral.status.failed", "en", "ההפניה נכשלה", "script_matches_locale")]
    [InlineData("referral.invite", "ar", "دعاك {name} إلى التسوق", "placeholders_match_en")]
    [InlineData("referral.invite", "he", "הזמנה לקנות דרך הקישור", "placeholders_match_en")]
    [InlineData("referral.invite", "en", "{customer} invited you, write to jane.doe@example.com", "no_pii")]
    [InlineData("referral.invite", "en", "{customer} invited you, call +1 (555) 010-9999", "no_pii")]
    [InlineData("referral.status.unknown", "en", "Referral unknown", "key_known")]
    [InlineData("referral.status.failed", "fr", "Parrainage échoué", "locale_supported")]
    [InlineData("referral.status.failed", "en", "", "value_length")]
    public async Task A_version_that_breaks_a_rule_is_refused_with_problem_details_naming_the_rule(
        string key, string locale, string value, string rule)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        var before = await http.ListTranslationsAsync(DevShops.Main, ct, key);

        var response = await http.AddTranslationVersionAsync(DevShops.Main, key, locale, value, ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => e.TryGetProperty("code", out var code) ? code.GetString() : null).ShouldContain(rule, body);
        (await http.ListTranslationsAsync(DevShops.Main, ct, key)).Count.ShouldBe(before.Count);
    }

    [Fact]
    public async Task Without_an_admin_token_of_the_same_shop_nothing_is_listed_or_written()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = app.CreateHttpClient();
        using var viewer = app.AdminClient(DevShops.AdminToken(DevShops.Main, scope: "merchant:referrals:view"));
        using var otherShopAdmin = app.AdminClient(DevShops.AdminToken(DevShops.Other));
        using var garbled = app.AdminClient("not-a-jwt");
        using var admin = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        var versionsBefore = (await admin.ListTranslationsAsync(DevShops.Main, ct, "referral.status.failed")).Count;

        var noToken = await anonymous.GetAsync($"/admin/shops/{DevShops.Main}/translations", ct);
        var garbledToken = await garbled.GetAsync($"/admin/shops/{DevShops.Main}/translations", ct);
        var viewOnly = await viewer.AddTranslationVersionAsync(DevShops.Main, "referral.status.failed", "en", "Referral failed", ct);
        var otherShop = await otherShopAdmin.GetAsync($"/admin/shops/{DevShops.Main}/translations", ct);

        noToken.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        garbledToken.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        viewOnly.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        otherShop.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await otherShop.Content.ReadAsStringAsync(ct)).ShouldNotContain("referral.status");
        noToken.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await admin.ListTranslationsAsync(DevShops.Main, ct, "referral.status.failed")).Count.ShouldBe(versionsBefore);
    }

    private static bool Hebrew(JsonElement version) => version.GetProperty("locale").GetString() == "he";
}
