using Referrals.Service.Features.Program;

namespace Referrals.Service.Features.Referrals;

/// <summary>
/// Which of a shop's milestone bonuses an advocate's qualification reaches, pure. A milestone is reached by the
/// qualification that makes the advocate's count of qualified referrals equal to it, and only if it was not emitted
/// before: a milestone the shop adds below an advocate's count was passed before it existed and is not paid later.
/// </summary>
public static class MilestoneRule
{
    /// <param name="qualified">The advocate's qualified referrals with this one.</param>
    /// <param name="emitted">The milestones (by count) already emitted for the advocate.</param>
    public static IReadOnlyList<Milestone> Reached(int qualified, IReadOnlyCollection<int> emitted, IReadOnlyList<Milestone> milestones) =>
        [.. milestones.Where(m => m.Qualified == qualified && !emitted.Contains(m.Qualified))];
}
