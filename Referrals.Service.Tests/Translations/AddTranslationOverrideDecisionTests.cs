extern alias service;

using service::Referrals.Service.Caching;
using service::Referrals.Service.Features.Translations;
using static Referrals.Service.Tests.Infrastructure.Decisions;

namespace Referrals.Service.Tests.Translations;

[Trait("Tier", "Unit")]
public sealed class AddTranslationOverrideDecisionTests
{
    private const string Invite = "referral.invite";

    private static readonly IReadOnlyList<Translation> Defaults =
    [
        Default("en", "{customer} invited you to shop with this referral link"),
        Default("ar", "دعاك {customer} إلى التسوق عبر رابط الإحالة هذا"),
        Default("he", "{customer} הזמין אותך לקנות דרך קישור ההפניה הזה"),
    ];

    [Fact]
    public void A_first_override_is_version_one_of_the_shop_and_invalidates_the_shops_entry_only()
    {
        var command = new AddTranslationOverride(ShopId, Invite, "en", "{customer} wants you to visit our shop");

        var (result, op, messages) = AddTranslationOverrideHandler.Handle(command, new TranslationOverrideFacts(Defaults, []), Envelope(), Clock);

        result.Broken.ShouldBeEmpty();
        var added = op.Stored<TranslationOverride>().ShouldNotBeNull();
        added.Version.ShouldBe(1);
        added.Value.ShouldBe(command.Value);
        result.Added!.Source.ShouldBe(TextSource.Shop);
        var invalidate = messages.Sent<CacheInvalidate>().ShouldHaveSingleItem();
        invalidate.Key.ShouldBe($"translations:{ShopId}:{Invite}:en");
        invalidate.ShopId.ShouldBe(ShopId);
    }

    [Fact]
    public void A_later_override_counts_up_from_the_shops_own_versions_not_the_platforms()
    {
        var defaults = Defaults.Select(d => d with { Version = 7 }).ToList();
        var earlier = new TranslationOverride(Guid.NewGuid(), Invite, "ar", "دعاك {customer} إلى متجرنا", 2, Now.AddDays(-1));
        var command = new AddTranslationOverride(ShopId, Invite, "ar", "يدعوك {customer} إلى متجرنا");

        var (_, op, _) = AddTranslationOverrideHandler.Handle(command, new TranslationOverrideFacts(defaults, [earlier]), Envelope(), Clock);

        op.Stored<TranslationOverride>()!.Version.ShouldBe(3);
    }

    [Fact]
    public void The_placeholders_are_judged_against_the_shops_own_en_text_where_it_has_one()
    {
        var shopEnglish = new TranslationOverride(Guid.NewGuid(), Invite, "en", "{customer} and {shop} invite you", 1, Now.AddDays(-1));
        var facts = new TranslationOverrideFacts(Defaults, [shopEnglish]);

        var (withPlatformPlaceholders, op, messages) = AddTranslationOverrideHandler.Handle(
            new AddTranslationOverride(ShopId, Invite, "he", "{customer} מזמין אותך"), facts, Envelope(), Clock);
        var (withShopPlaceholders, _, _) = AddTranslationOverrideHandler.Handle(
            new AddTranslationOverride(ShopId, Invite, "he", "{customer} ו{shop} מזמינים אותך"), facts, Envelope(), Clock);

        withPlatformPlaceholders.Broken.Select(b => b.Rule).ShouldBe([TranslationRules.PlaceholdersMatchEnglish]);
        op.ShouldBeOfType<Wolverine.Marten.NoOp>();
        messages.ShouldBeEmpty();
        withShopPlaceholders.Broken.ShouldBeEmpty();
    }

    [Fact]
    public void A_key_without_platform_defaults_cannot_get_an_override()
    {
        var (result, op, _) = AddTranslationOverrideHandler.Handle(
            new AddTranslationOverride(ShopId, "referral.unknown", "en", "Hello"), new TranslationOverrideFacts([], []), Envelope(), Clock);

        result.Broken.Select(b => b.Rule).ShouldContain(TranslationRules.KeyKnown);
        op.ShouldBeOfType<Wolverine.Marten.NoOp>();
    }

    private static Translation Default(string locale, string value) =>
        new(Guid.NewGuid(), Invite, locale, value, 1, Now.AddDays(-30), null);
}
