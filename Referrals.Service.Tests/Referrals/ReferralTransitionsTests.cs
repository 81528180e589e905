extern alias service;
using service::Referrals.Service.Features.Referrals;


namespace Referrals.Service.Tests.Referrals;

/// <summary>Every one of the 49 pairs of the seven statuses, legal or not, against the seed's status machine.</summary>
[Trait("Tier", "Unit")]
public sealed class ReferralTransitionsTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 15, 4, 5, TimeSpan.Zero);

    // The seed's moves, written out here rather than read from the code under test.
    private static readonly HashSet<(ReferralStatus From, ReferralStatus To)> Legal =
    [
        (ReferralStatus.Queued, ReferralStatus.Pending),
        (ReferralStatus.Queued, ReferralStatus.Failed),
        (ReferralStatus.Queued, ReferralStatus.Cancelled),
        (ReferralStatus.Pending, ReferralStatus.InProgress),
        (ReferralStatus.Pending, ReferralStatus.Completed),
        (ReferralStatus.Pending, ReferralStatus.Failed),
        (ReferralStatus.Pending, ReferralStatus.Cancelled),
        (ReferralStatus.InProgress, ReferralStatus.Completed),
        (ReferralStatus.InProgress, ReferralStatus.Failed),
        (ReferralStatus.InProgress, ReferralStatus.Cancelled),
        (ReferralStatus.Completed, ReferralStatus.Rewarded),
        // Program rules: a reversal of the converting order within the hold, and after qualification.
        (ReferralStatus.Completed, ReferralStatus.Cancelled),
        (ReferralStatus.Rewarded, ReferralStatus.Cancelled),
    ];

    public static TheoryData<ReferralStatus, ReferralStatus> LegalMoves() => Moves(legal: true);

    public static TheoryData<ReferralStatus, ReferralStatus> IllegalMoves() => Moves(legal: false);

    [Theory]
    [MemberData(nameof(LegalMoves))]
    public void A_move_the_status_machine_allows_is_allowed(ReferralStatus from, ReferralStatus to)
    {
        var allowed = ReferralTransitions.CanMove(from, to);

        allowed.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public void A_move_the_status_machine_does_not_allow_is_refused(ReferralStatus from, ReferralStatus to)
    {
        var allowed = ReferralTransitions.CanMove(from, to);

        allowed.ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public void Moving_a_referral_the_way_the_status_machine_does_not_allow_throws_and_names_both_statuses(
        ReferralStatus from, ReferralStatus to)
    {
        var referral = AReferral(from);

        var refused = Should.Throw<IllegalReferralTransitionException>(() => referral.MoveTo(to, Now, "corr", "why"));

        refused.Message.ShouldBe($"a referral cannot move from {from.Wire()} to {to.Wire()}");
    }

    [Fact]
    public void A_completed_move_records_when_the_referral_converted_and_why()
    {
        var referral = AReferral(ReferralStatus.Pending);

        var completed = referral.MoveTo(ReferralStatus.Completed, Now, "corr", "order 1001");

        completed.Status.ShouldBe(ReferralStatus.Completed);
        completed.CompletedAt.ShouldBe(Now);
        completed.UpdatedAt.ShouldBe(Now);
        completed.StatusReason.ShouldBe("order 1001");
        completed.CreatedAt.ShouldBe(Created);
    }

    [Fact]
    public void Rewarding_a_completed_referral_keeps_when_it_converted()
    {
        var completed = AReferral(ReferralStatus.Pending).MoveTo(ReferralStatus.Completed, Created.AddDays(1), "corr");

        var rewarded = completed.MoveTo(ReferralStatus.Rewarded, Now, "corr", "vip_tier:gold");

        rewarded.Status.ShouldBe(ReferralStatus.Rewarded);
        rewarded.CompletedAt.ShouldBe(Created.AddDays(1));
        rewarded.UpdatedAt.ShouldBe(Now);
    }

    [Theory]
    [InlineData(ReferralStatus.Queued, "queued")]
    [InlineData(ReferralStatus.Pending, "pending")]
    [InlineData(ReferralStatus.InProgress, "in_progress")]
    [InlineData(ReferralStatus.Completed, "completed")]
    [InlineData(ReferralStatus.Rewarded, "rewarded")]
    [InlineData(ReferralStatus.Failed, "failed")]
    [InlineData(ReferralStatus.Cancelled, "cancelled")]
    public void Each_status_has_the_seeds_wire_spelling(ReferralStatus status, string wire)
    {
        var spelled = status.Wire();

        spelled.ShouldBe(wire);
    }

    private static TheoryData<ReferralStatus, ReferralStatus> Moves(bool legal)
    {
        var moves = new TheoryData<ReferralStatus, ReferralStatus>();
        foreach (var from in Enum.GetValues<ReferralStatus>())
            foreach (var to in Enum.GetValues<ReferralStatus>())
                if (Legal.Contains((from, to)) == legal)
                    moves.Add(from, to);
        return moves;
    }

    private static Referral AReferral(ReferralStatus status) => new(
        Guid.Parse("0b9f6c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b"), Guid.Parse("1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5"),
        "Ab12Cd34Ef56", status, "en", "req-1", "1.0.0", Created, Created);
}
