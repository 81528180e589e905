extern alias service;

using Microsoft.Extensions.Configuration;
using service::Referrals.Service.Messaging;
using Wolverine;

namespace Referrals.Service.Tests.Reliability;

/// <summary>How soon the cluster takes back durable rows that nothing holds: dead nodes' rows and live nodes' lost ones.</summary>
[Trait("Tier", "Unit")]
public sealed class ClusterDurabilityTests
{
    private static DurabilitySettings Applied(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value)))
            .Build();
        var durability = new DurabilitySettings();
        ClusterDurability.Apply(durability, configuration);
        return durability;
    }

    [Fact]
    public void Rows_a_live_node_no_longer_holds_are_released_after_a_minute()
    {
        var durability = Applied();

        durability.InboxStaleTime.ShouldBe(TimeSpan.FromSeconds(60));
        durability.OutboxStaleTime.ShouldBe(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void The_release_time_is_a_setting()
    {
        var durability = Applied(("Wolverine:StaleEnvelopeSeconds", "90"));

        durability.InboxStaleTime.ShouldBe(TimeSpan.FromSeconds(90));
        durability.OutboxStaleTime.ShouldBe(TimeSpan.FromSeconds(90));
    }

    [Fact]
    public void A_dead_node_is_noticed_within_seconds()
    {
        var durability = Applied();

        durability.Mode.ShouldBe(DurabilityMode.Balanced);
        durability.HealthCheckPollingTime.ShouldBe(TimeSpan.FromSeconds(2));
        durability.StaleNodeTimeout.ShouldBe(TimeSpan.FromSeconds(10));
    }
}
