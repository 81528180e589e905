extern alias service;

using service::Referrals.Service.Features.Conversions;

namespace Referrals.Service.Tests.Conversions;

[Trait("Tier", "Unit")]
public sealed class ReferralAttributionTests
{
    private const string FromDiscount = "Dsc0unt0Code";
    private const string FromLanding = "Land1ngSite0";
    private const string FromNote = "N0teAttr1but";

    [Fact]
    public void A_referral_code_among_the_discount_codes_wins_over_the_landing_site_and_the_note()
    {
        var code = ReferralAttribution.CodeOf([FromDiscount], FromLanding, FromNote);

        code.ShouldBe(FromDiscount);
    }

    [Fact]
    public void The_landing_site_ref_wins_over_the_note_attribute()
    {
        var code = ReferralAttribution.CodeOf([], FromLanding, FromNote);

        code.ShouldBe(FromLanding);
    }

    [Fact]
    public void The_note_attribute_counts_when_nothing_else_names_a_referral()
    {
        var code = ReferralAttribution.CodeOf([], null, FromNote);

        code.ShouldBe(FromNote);
    }

    [Fact]
    public void Ordinary_discount_codes_are_skipped_for_the_first_one_shaped_like_a_link_id()
    {
        var code = ReferralAttribution.CodeOf(["SUMMER10", "WELCOME-2026-X", FromDiscount], FromLanding, FromNote);

        code.ShouldBe(FromDiscount);
    }

    [Fact]
    public void Only_ordinary_discount_codes_leave_the_landing_site_to_decide()
    {
        var code = ReferralAttribution.CodeOf(["SUMMER10"], FromLanding, FromNote);

        code.ShouldBe(FromLanding);
    }

    [Fact]
    public void A_landing_site_ref_or_note_not_shaped_like_a_link_id_is_not_a_referral()
    {
        var code = ReferralAttribution.CodeOf(["SUMMER10"], "not-a-code", "also not a code");

        code.ShouldBeNull();
    }

    [Theory]
    [InlineData("Ab12Cd34Ef56", true)]
    [InlineData("000000000000", true)]
    [InlineData("Ab12Cd34Ef5", false)] // 11 characters
    [InlineData("Ab12Cd34Ef567", false)] // 13 characters
    [InlineData("Ab12Cd34Ef5-", false)]
    [InlineData("Ab12Cd34Éf56", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_referral_code_is_exactly_twelve_base62_characters(string? code, bool isReferralCode)
    {
        var shaped = ReferralAttribution.IsReferralCode(code);

        shaped.ShouldBe(isReferralCode);
    }

    [Theory]
    [InlineData("/products/x?utm_source=sms&ref=Ab12Cd34Ef56", "Ab12Cd34Ef56")]
    [InlineData("/?ref=Ab12Cd34Ef56", "Ab12Cd34Ef56")]
    [InlineData("/products/x?ref=Ab12Cd34Ef56#reviews", "Ab12Cd34Ef56")]
    [InlineData("/products/x?ref=Ab12%43d34Ef56", "Ab12Cd34Ef56")]
    [InlineData("/products/x?ref=first&ref=second", "first")]
    public void The_ref_parameter_of_the_landing_site_is_read_without_its_fragment_and_decoded(string landingSite, string expected)
    {
        var reference = ReferralAttribution.RefOfLandingSite(landingSite);

        reference.ShouldBe(expected);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/products/x")]
    [InlineData("/products/x?utm_source=sms")]
    [InlineData("/products/x?xref=Ab12Cd34Ef56&reference=Ab12Cd34Ef56")]
    [InlineData("/products/x?utm_source=sms#ref=Ab12Cd34Ef56")]
    [InlineData("/products/x?=Ab12Cd34Ef56")]
    public void A_landing_site_without_a_ref_parameter_has_no_ref(string? landingSite)
    {
        var reference = ReferralAttribution.RefOfLandingSite(landingSite);

        reference.ShouldBeNull();
    }
}
