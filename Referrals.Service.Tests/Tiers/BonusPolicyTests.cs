extern alias service;

using service::Referrals.Service.Features.Tiers;

namespace Referrals.Service.Tests.Tiers;

[Trait("Tier", "Unit")]
public sealed class BonusPolicyTests
{
    private static readonly BonusPolicy Policy = new(
        Guid.Parse("6f1c2a4e-9d3b-4c5a-8e7f-112233445566"),
        LookBackDays: 30,
        [new TierBonus("silver", 1.5, 0), new TierBonus("gold", 2, 100)],
        new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("silver", 1.5, 0)]
    [InlineData("gold", 2, 100)]
    public void A_tier_of_the_policy_gets_its_multiplier_and_bonus_points(string tierId, double multiplier, int points)
    {
        var bonus = Policy.BonusFor(tierId);

        bonus.ShouldBe(new TierBonus(tierId, multiplier, points));
    }

    [Theory]
    [InlineData("platinum")]
    [InlineData("Gold")]
    [InlineData("")]
    public void A_tier_the_policy_does_not_name_gets_no_bonus(string tierId)
    {
        var bonus = Policy.BonusFor(tierId);

        bonus.ShouldBeNull();
    }
}
