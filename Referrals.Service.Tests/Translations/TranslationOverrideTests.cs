using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Referrals.Service.Tests.Infrastructure;
using StackExchange.Redis;

namespace Referrals.Service.Tests.Translations;

[Collection(IntegrationTier.Name)]
public sealed class TranslationOverrideTests(ReferralsApp app)
{
    private const string Pending = "referral.status.pending";

    [Fact]
    public async Task Another_shops_admin_posting_a_pending_text_changes_only_that_shops_text_and_nothing_dev_shops_customers_read()
    {
        var ct = TestContext.Current.CancellationToken;
        using var otherAdmin = app.AdminClient(DevShops.AdminToken(DevShops.Other));
        using var mainAdmin = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        using var operatorClient = app.OperatorClient();
        var (mainCustomer, otherCustomer) = (DevShops.Customer(DevShops.Main, 50), DevShops.Customer(DevShops.Other, 50));
        var mainReferral = await app.CreateReferralAsync(DevShops.Main, mainCustomer, ct);
        var otherReferral = await app.CreateReferralAsync(DevShops.Other, otherCustomer, ct);
        var mainBefore = await app.GetStatusAsync(DevShops.Main, mainReferral.ReferralId, DevShops.CustomerToken(DevShops.Main, mainCustomer), ct);
        var platformBefore = await operatorClient.ListPlatformVersionsAsync(ct, Pending);

        var posted = await otherAdmin.AddOverrideVersionAsync(DevShops.Other, Pending, "en", "Other shop says your referral is pending", ct);
        var intoMainsPath = await otherAdmin.AddOverrideVersionAsync(DevShops.Main, Pending, "en", "Hijacked pending text", ct);
        var mainAfter = await app.GetStatusAsync(DevShops.Main, mainReferral.ReferralId, DevShops.CustomerToken(DevShops.Main, mainCustomer), ct);
        var otherAfter = await app.GetStatusAsync(DevShops.Other, otherReferral.ReferralId,
            DevShops.CustomerToken(DevShops.Other, otherCustomer), ct);

        posted.StatusCode.ShouldBe(HttpStatusCode.Created, await posted.Content.ReadAsStringAsync(ct));
        intoMainsPath.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        mainAfter.Description.ShouldBe(mainBefore.Description);
        otherAfter.Description.ShouldBe("Other shop says your referral is pending");
        (await operatorClient.ListPlatformVersionsAsync(ct, Pending)).Select(Id).ShouldBe(platformBefore.Select(Id));
        (await otherAdmin.ListOverridesAsync(DevShops.Other, ct, Pending)).CurrentValue(Pending, "en")
            .ShouldBe("Other shop says your referral is pending");
        (await mainAdmin.ListOverridesAsync(DevShops.Main, ct, Pending)).Select(Value)
            .ShouldNotContain(value => value == "Other shop says your referral is pending" || value == "Hijacked pending text");
    }

    [Fact]
    public async Task A_dev_shop_override_is_what_dev_shops_customers_read_in_en_ar_and_he_and_other_shops_customers_do_not()
    {
        var ct = TestContext.Current.CancellationToken;
        const string key = "referral.status.in_progress";
        var texts = new Dictionary<string, string>
        {
            ["en"] = "Dev shop is working on your referral",
            ["ar"] = "متجرنا يعمل على إحالتك",
            ["he"] = "החנות שלנו מטפלת בהפניה שלך",
        };
        using var mainAdmin = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        using var operatorClient = app.OperatorClient();
        var (mainCustomer, otherCustomer) = (DevShops.Customer(DevShops.Main, 51), DevShops.Customer(DevShops.Other, 51));
        var mainReferral = await InProgressReferralAsync(DevShops.Main, mainCustomer, ct);
        var otherReferral = await InProgressReferralAsync(DevShops.Other, otherCustomer, ct);
        var otherBefore = await ReadAllLocalesAsync(DevShops.Other, otherReferral, otherCustomer, ct);

        foreach (var (locale, text) in texts)
            (await mainAdmin.AddOverrideVersionAsync(DevShops.Main, key, locale, text, ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var main = await ReadAllLocalesAsync(DevShops.Main, mainReferral, mainCustomer, ct);
        var other = await ReadAllLocalesAsync(DevShops.Other, otherReferral, otherCustomer, ct);
        var platform = await operatorClient.ListPlatformVersionsAsync(ct, key);
        var shopTexts = await mainAdmin.ShopTextsAsync(DevShops.Main, ct, key);

        main.ShouldBe(texts);
        other.ShouldBe(otherBefore);
        other.ShouldBe(texts.Keys.ToDictionary(locale => locale, locale => platform.CurrentValue(key, locale)));
        other.Values.ShouldNotContain(value => texts.Values.Contains(value));
        shopTexts.Select(t => (Text(t, "locale"), Text(t, "value"), Text(t, "source")))
            .ShouldBe(texts.Select(t => (t.Key, t.Value, "shop")), ignoreOrder: true);
    }

    [Fact]
    public async Task A_new_override_version_is_visible_at_once_its_cached_entry_is_dropped_and_cache_invalidate_names_it()
    {
        var ct = TestContext.Current.CancellationToken;
        const string key = "referral.status.cancelled";
        using var otherAdmin = app.AdminClient(DevShops.AdminToken(DevShops.Other));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        var customer = DevShops.Customer(DevShops.Other, 52);
        var referral = await app.CreateReferralAsync(DevShops.Other, customer, ct);
        var cancelled = await app.DocumentStatusAsync(referral.ReferralId, ct) == "pending" ? "cancelled" : "Cancelled";
        await app.SetStatusInDatabaseAsync(referral.ReferralId, cancelled, ct);
        var token = DevShops.CustomerToken(DevShops.Other, customer);
        var cacheKey = $"translations:{DevShops.Other}:{key}:he";

        var before = await app.GetStatusAsync(DevShops.Other, referral.ReferralId, token, ct, "he");
        var cachedBefore = await redis.GetDatabase().KeyExistsAsync(cacheKey);
        var first = await otherAdmin.AddOverrideVersionAsync(DevShops.Other, key, "he", "החנות ביטלה את ההפניה", ct);
        var afterFirst = await app.GetStatusAsync(DevShops.Other, referral.ReferralId, token, ct, "he");
        var second = await otherAdmin.AddOverrideVersionAsync(DevShops.Other, key, "he", "ההפניה בוטלה על ידי החנות", ct);
        var added = await second.Content.ReadFromJsonAsync<JsonElement>(ct);
        var afterSecond = await app.GetStatusAsync(DevShops.Other, referral.ReferralId, token, ct, "he");
        var overrides = (await otherAdmin.ListOverridesAsync(DevShops.Other, ct, key)).Where(Hebrew).ToList();
        var published = KafkaReader.Read(app.KafkaBootstrap, "cache.invalidate",
            record => record.Payload.GetProperty("key").GetString() == cacheKey, count: 2, TimeSpan.FromSeconds(10), ct);

        before.Description.ShouldBe("ההפניה בוטלה");
        cachedBefore.ShouldBeTrue();
        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        afterFirst.Description.ShouldBe("החנות ביטלה את ההפניה");
        second.StatusCode.ShouldBe(HttpStatusCode.Created);
        afterSecond.Description.ShouldBe("ההפניה בוטלה על ידי החנות");
        added.GetProperty("version").GetInt32().ShouldBe(2);
        added.GetProperty("source").GetString().ShouldBe("shop");
        overrides.Current().ShouldHaveSingleItem().GetProperty("id").GetGuid().ShouldBe(added.GetProperty("id").GetGuid());
        overrides.Count.ShouldBe(2);
        published.Count.ShouldBe(2);
        foreach (var invalidation in published)
        {
            invalidation.Key.ShouldBe(DevShops.Other.ToString());
            invalidation.Headers["event_type"].ShouldBe("cache.invalidate");
            invalidation.Headers["schema_version"].ShouldBe("1.0.0");
            invalidation.Headers.ShouldContainKey("correlation_id");
            invalidation.Payload.GetProperty("type").GetString().ShouldBe("translation");
            invalidation.Payload.GetProperty("locale").GetString().ShouldBe("he");
            invalidation.Payload.GetProperty("shop_id").GetGuid().ShouldBe(DevShops.Other);
        }
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
    public async Task An_override_that_breaks_a_rule_is_refused_with_problem_details_naming_the_rule(
        string key, string locale, string value, string rule)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        var before = await http.ListOverridesAsync(DevShops.Main, ct, key);

        var response = await http.AddOverrideVersionAsync(DevShops.Main, key, locale, value, ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => e.TryGetProperty("code", out var code) ? code.GetString() : null).ShouldContain(rule, body);
        (await http.ListOverridesAsync(DevShops.Main, ct, key)).Count.ShouldBe(before.Count);
    }

    [Fact]
    public async Task An_en_override_must_keep_the_placeholders_the_shops_other_locales_use()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.AdminClient(DevShops.AdminToken(DevShops.Other));

        var dropsCustomer = await http.AddOverrideVersionAsync(DevShops.Other, "referral.thank_you", "en", "Thank you! Your referral was completed", ct);
        var keepsCustomer = await http.AddOverrideVersionAsync(DevShops.Other, "referral.thank_you", "en", "Thanks a lot, {customer}!", ct);

        dropsCustomer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await dropsCustomer.Content.ReadAsStringAsync(ct)).ShouldContain("placeholders_match_en");
        keepsCustomer.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Without_an_admin_token_of_the_same_shop_nothing_is_listed_or_written()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = app.CreateHttpClient();
        using var viewer = app.AdminClient(DevShops.AdminToken(DevShops.Main, scope: "merchant:referrals:view"));
        using var lookAlike = app.AdminClient(DevShops.AdminToken(DevShops.Main, scope: "merchant:referrals:admin:all"));
        using var otherShopAdmin = app.AdminClient(DevShops.AdminToken(DevShops.Other));
        using var garbled = app.AdminClient("not-a-jwt");
        using var admin = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        var versionsBefore = (await admin.ListOverridesAsync(DevShops.Main, ct, "referral.status.failed")).Count;

        var noToken = await anonymous.GetAsync($"/admin/shops/{DevShops.Main}/translations", ct);
        var garbledToken = await garbled.GetAsync($"/admin/shops/{DevShops.Main}/translations", ct);
        var viewOnly = await viewer.AddOverrideVersionAsync(DevShops.Main, "referral.status.failed", "en", "Referral failed", ct);
        var lookAlikeScope = await lookAlike.AddOverrideVersionAsync(DevShops.Main, "referral.status.failed", "en", "Referral failed", ct);
        var otherShop = await otherShopAdmin.GetAsync($"/admin/shops/{DevShops.Main}/translations", ct);

        noToken.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        garbledToken.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        viewOnly.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        lookAlikeScope.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        otherShop.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await otherShop.Content.ReadAsStringAsync(ct)).ShouldNotContain("referral.status");
        (await admin.ListOverridesAsync(DevShops.Main, ct, "referral.status.failed")).Count.ShouldBe(versionsBefore);
    }

    private async Task<string> InProgressReferralAsync(Guid shop, Guid customer, CancellationToken ct)
    {
        var referral = await app.CreateReferralAsync(shop, customer, ct);
        var inProgress = await app.DocumentStatusAsync(referral.ReferralId, ct) == "pending" ? "in_progress" : "InProgress";
        await app.SetStatusInDatabaseAsync(referral.ReferralId, inProgress, ct);
        return referral.ReferralId;
    }

    private async Task<Dictionary<string, string>> ReadAllLocalesAsync(Guid shop, string referralId, Guid customer, CancellationToken ct)
    {
        var read = new Dictionary<string, string>();
        foreach (var locale in new[] { "en", "ar", "he" })
        {
            var status = await app.GetStatusAsync(shop, referralId, DevShops.CustomerToken(shop, customer), ct, locale);
            status.Locale.ShouldBe(locale);
            read[locale] = status.Description;
        }
        return read;
    }

    private static Guid Id(JsonElement version) => version.GetProperty("id").GetGuid();

    private static string Value(JsonElement version) => Text(version, "value");

    private static string Text(JsonElement element, string property) => element.GetProperty(property).GetString()!;

    private static bool Hebrew(JsonElement version) => version.GetProperty("locale").GetString() == "he";
}
