extern alias service;

using service::Referrals.Service.Messaging;

namespace Referrals.Service.Tests.Reliability;

/// <summary>Which nodes the backstop sweep ejects: silent past the limit on two sweeps in a row, judged by a live instance.</summary>
[Trait("Tier", "Unit")]
public sealed class DormantNodesTests
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(30);
    private readonly Guid _self = Guid.NewGuid();
    private readonly Guid _dead = Guid.NewGuid();
    private readonly HashSet<Guid> _lastSweep = [];

    private DormantNodes.Node Self(double silentSeconds = 1) => new(_self, 3, TimeSpan.FromSeconds(silentSeconds));

    private DormantNodes.Node Dead(double silentSeconds) => new(_dead, 2, TimeSpan.FromSeconds(silentSeconds));

    [Fact]
    public void A_node_silent_past_the_limit_on_two_sweeps_in_a_row_is_ejected()
    {
        DormantNodes.ToEject([Self(), Dead(31)], _self, Fresh, After, _lastSweep).ShouldBeEmpty();
        DormantNodes.ToEject([Self(), Dead(41)], _self, Fresh, After, _lastSweep).ShouldHaveSingleItem().Number.ShouldBe(2);
    }

    [Fact]
    public void A_node_that_heartbeats_again_in_between_is_not_ejected()
    {
        DormantNodes.ToEject([Self(), Dead(31)], _self, Fresh, After, _lastSweep);
        DormantNodes.ToEject([Self(), Dead(1)], _self, Fresh, After, _lastSweep).ShouldBeEmpty();
        DormantNodes.ToEject([Self(), Dead(31)], _self, Fresh, After, _lastSweep).ShouldBeEmpty();
    }

    [Fact]
    public void An_instance_whose_own_heartbeat_is_stale_or_missing_judges_nobody()
    {
        DormantNodes.ToEject([Self(), Dead(31)], _self, Fresh, After, _lastSweep);
        DormantNodes.ToEject([Self(silentSeconds: 20), Dead(41)], _self, Fresh, After, _lastSweep).ShouldBeEmpty();
        DormantNodes.ToEject([Dead(51)], _self, Fresh, After, _lastSweep).ShouldBeEmpty();
        DormantNodes.ToEject([Self(), Dead(61)], _self, Fresh, After, _lastSweep).ShouldBeEmpty(); // the count starts again
    }

    [Fact]
    public void An_instance_never_ejects_itself()
    {
        DormantNodes.ToEject([Self(silentSeconds: 5), Dead(1)], _self, Fresh, TimeSpan.FromSeconds(2), _lastSweep);
        DormantNodes.ToEject([Self(silentSeconds: 5), Dead(1)], _self, Fresh, TimeSpan.FromSeconds(2), _lastSweep).ShouldBeEmpty();
    }
}
