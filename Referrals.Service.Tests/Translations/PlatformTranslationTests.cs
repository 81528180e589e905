using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Referrals.Service.Tests.Infrastructure;
using StackExchange.Redis;

namespace Referrals.Service.Tests.Translations;

[Collection(IntegrationTier.Name)]
public sealed class PlatformTranslationTests(ReferralsApp app)
{
    private const string Queued = "referral.status.queued";

    [Fact]
    public async Task An_operators_new_platform_default_is_what_a_shop_without_an_override_reads_and_cache_invalidate_names_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var operatorClient = app.OperatorClient();
        using var otherAdmin = app.AdminClient(DevShops.AdminToken(DevShops.Other));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        var customer = DevShops.Customer(DevShops.Other, 53);
        var referral = await app.CreateReferralAsync(DevShops.Other, customer, ct);
        var queued = await app.DocumentStatusAsync(referral.ReferralId, ct) == "pending" ? "queued" : "Queued";
        await app.SetStatusInDatabaseAsync(referral.ReferralId, queued, ct);
        var token = DevShops.CustomerToken(DevShops.Other, customer);
        var before = await app.GetStatusAsync(DevShops.Other, referral.ReferralId, token, ct);
        var versionsBefore = await operatorClient.ListPlatformVersionsAsync(ct, Queued);

        var response = await operatorClient.AddPlatformVersionAsync(Queued, "en", "Your referral is waiting in line", ct);
        var added = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        var after = await app.GetStatusAsync(DevShops.Other, referral.ReferralId, token, ct);
        var versionsAfter = await operatorClient.ListPlatformVersionsAsync(ct, Queued);
        var shopText = (await otherAdmin.ShopTextsAsync(DevShops.Other, ct, Queued)).Single(t => t.GetProperty("locale").GetString() == "en");
        var published = KafkaReader.Read(app.KafkaBootstrap, "cache.invalidate",
            record => record.Payload.GetProperty("key").GetString() == $"translations:{Queued}:en", count: 1, TimeSpan.FromSeconds(10), ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        before.Description.ShouldBe("Referral queued");
        after.Description.ShouldBe("Your referral is waiting in line");
        added.GetProperty("source").GetString().ShouldBe("platform");
        versionsAfter.CurrentValue(Queued, "en").ShouldBe("Your referral is waiting in line");
        versionsAfter.Count.ShouldBe(versionsBefore.Count + 1);
        shopText.GetProperty("source").GetString().ShouldBe("platform");
        shopText.GetProperty("value").GetString().ShouldBe("Your referral is waiting in line");
        // Re-read into Redis, or dropped again by the service's own cache.invalidate: never the old text.
        ((string?)await redis.GetDatabase().StringGetAsync($"translations:{Queued}:en")).ShouldBeOneOf([null, "Your referral is waiting in line"]);
        var invalidation = published.ShouldHaveSingleItem();
        invalidation.Payload.GetProperty("type").GetString().ShouldBe("translation");
        invalidation.Payload.GetProperty("locale").GetString().ShouldBe("en");
        // A platform default is no one shop's: the nil shop id.
        invalidation.Payload.GetProperty("shop_id").GetGuid().ShouldBe(Guid.Empty);
        invalidation.Headers["event_type"].ShouldBe("cache.invalidate");
    }

    [Fact]
    public async Task A_merchant_admin_token_cannot_read_or_change_platform_defaults()
    {
        var ct = TestContext.Current.CancellationToken;
        using var operatorClient = app.OperatorClient();
        using var anonymous = app.CreateHttpClient();
        using var merchantAdmin = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        using var lookAlike = app.AdminClient(DevShops.OperatorToken(scope: "platform:referrals:operator2 merchant:referrals:admin"));
        var versionsBefore = await operatorClient.ListPlatformVersionsAsync(ct, Queued);

        var changedByMerchant = await merchantAdmin.AddPlatformVersionAsync(Queued, "en", "Referral queued by a merchant", ct);
        var listedByMerchant = await merchantAdmin.GetAsync("/admin/translations", ct);
        var changedByLookAlike = await lookAlike.AddPlatformVersionAsync(Queued, "en", "Referral queued by a look alike", ct);
        var changedAnonymously = await anonymous.PostAsJsonAsync("/admin/translations",
            new { key = Queued, locale = "en", value = "Referral queued anonymously" }, ct);

        changedByMerchant.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        listedByMerchant.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        changedByLookAlike.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        changedAnonymously.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await operatorClient.ListPlatformVersionsAsync(ct, Queued)).Select(v => v.GetProperty("id").GetGuid())
            .ShouldBe(versionsBefore.Select(v => v.GetProperty("id").GetGuid()));
    }

    [Theory]
    [InlineData("referral.status.failed", "he", "فشلت الإحالة", "script_matches_locale")]
    [InlineData("referral.invite", "ar", "دعاك {name} إلى التسوق", "placeholders_match_en")]
    [InlineData("referral.invite", "en", "{customer} invited you, write to jane.doe@example.com", "no_pii")]
    [InlineData("referral.status.unknown", "en", "Referral unknown", "key_known")]
    public async Task A_platform_default_that_breaks_a_rule_is_refused_with_problem_details_naming_the_rule(
        string key, string locale, string value, string rule)
    {
        var ct = TestContext.Current.CancellationToken;
        using var operatorClient = app.OperatorClient();
        var before = await operatorClient.ListPlatformVersionsAsync(ct, key);

        var response = await operatorClient.AddPlatformVersionAsync(key, locale, value, ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => e.TryGetProperty("code", out var code) ? code.GetString() : null).ShouldContain(rule, body);
        (await operatorClient.ListPlatformVersionsAsync(ct, key)).Count.ShouldBe(before.Count);
    }
}
