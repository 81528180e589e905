extern alias service;

using service::Referrals.Service.Features.Translations;

namespace Referrals.Service.Tests.Translations;

[Trait("Tier", "Unit")]
public sealed class TranslationVersionPrunerTests
{
    private static readonly DateTimeOffset Cutoff = new(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Old = Cutoff.AddDays(-30);
    private static readonly DateTimeOffset Recent = Cutoff.AddDays(10);

    [Fact]
    public void Old_versions_that_are_not_current_are_prunable()
    {
        var v1 = Version("referral.description", "en", 1, Old);
        var v2 = Version("referral.description", "en", 2, Old);
        var v3 = Version("referral.description", "en", 3, Recent);

        var prunable = TranslationVersionPruner.Prunable([v3, v1, v2], Cutoff);

        prunable.ShouldBe([v1, v2]);
    }

    [Fact]
    public void The_current_version_is_kept_however_old_it_is()
    {
        var v1 = Version("referral.description", "en", 1, Old.AddDays(-300));
        var v2 = Version("referral.description", "en", 2, Old);

        var prunable = TranslationVersionPruner.Prunable([v1, v2], Cutoff);

        prunable.ShouldBe([v1]);
    }

    [Fact]
    public void A_version_created_at_or_after_the_cutoff_is_kept_even_when_not_current()
    {
        var atCutoff = Version("referral.description", "en", 1, Cutoff);
        var recent = Version("referral.description", "en", 2, Recent);
        var current = Version("referral.description", "en", 3, Recent);

        var prunable = TranslationVersionPruner.Prunable([atCutoff, recent, current], Cutoff);

        prunable.ShouldBeEmpty();
    }

    [Fact]
    public void Each_key_and_locale_has_its_own_current_version()
    {
        var enOld = Version("referral.description", "en", 1, Old);
        var enCurrent = Version("referral.description", "en", 2, Old);
        var arOnly = Version("referral.description", "ar", 1, Old);
        var titleOld = Version("referral.title", "en", 4, Old);
        var titleCurrent = Version("referral.title", "en", 5, Old);

        var prunable = TranslationVersionPruner.Prunable([titleCurrent, arOnly, enCurrent, titleOld, enOld], Cutoff);

        prunable.ShouldBe([enOld, titleOld]);
    }

    [Fact]
    public void Each_shops_overrides_have_their_own_current_version_apart_from_the_platform_defaults()
    {
        var (shopA, shopB) = (Guid.Parse("5f0c6a8e-0000-4000-8000-000000000001"), Guid.Parse("5f0c6a8e-0000-4000-8000-000000000002"));
        var platformOld = Version("referral.description", "en", 1, Old);
        var platformCurrent = Version("referral.description", "en", 2, Old);
        var shopAOld = Version("referral.description", "en", 1, Old, shopA);
        var shopACurrent = Version("referral.description", "en", 2, Old, shopA);
        var shopBOnly = Version("referral.description", "en", 1, Old, shopB);

        var prunable = TranslationVersionPruner.Prunable([shopBOnly, shopACurrent, platformCurrent, shopAOld, platformOld], Cutoff);

        prunable.ShouldBe([platformOld, shopAOld]);
    }

    [Fact]
    public void Prunable_versions_are_listed_by_key_locale_and_version()
    {
        var rows = new[]
        {
            Version("b.key", "en", 2, Old), Version("b.key", "en", 9, Old), Version("a.key", "he", 1, Old),
            Version("a.key", "he", 3, Old), Version("a.key", "ar", 1, Old), Version("a.key", "ar", 2, Old),
            Version("b.key", "en", 1, Old),
        };

        var prunable = TranslationVersionPruner.Prunable(rows, Cutoff);

        prunable.Select(v => $"{v.Key}/{v.Locale}/{v.Version}").ShouldBe(["a.key/ar/1", "a.key/he/1", "b.key/en/1", "b.key/en/2"]);
    }

    private static TranslationVersionRow Version(string key, string locale, int version, DateTimeOffset createdAt, Guid? shopId = null) =>
        new(Guid.NewGuid(), key, locale, version, createdAt, shopId);
}
