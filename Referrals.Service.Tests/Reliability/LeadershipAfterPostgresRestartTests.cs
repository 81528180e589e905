using Npgsql;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// Postgres killed and started again ends every session, and with them the leader's advisory lock: one of the two
/// instances must lead again within seconds. Without a leader, nobody ejects a dead leader's node, and its durable
/// inbox and outbox stay owned by it.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class LeadershipAfterPostgresRestartTests(ReferralsApp app)
{
    [Fact]
    public async Task After_postgres_restarts_a_live_instance_leads_the_cluster_again()
    {
        var ct = TestContext.Current.CancellationToken;
        (await Eventually.ReturnsAsync(() => LiveLeaderAsync(ct), leader => leader is not null, TimeSpan.FromSeconds(30), ct)).ShouldNotBeNull();

        await using (await PostgresOutage.BeginAsync(app, PostgresOutage.Stopped, ct))
            await Task.Delay(TimeSpan.FromSeconds(3), ct);

        var leader = await Eventually.ReturnsAsync(() => LiveLeaderAsync(ct), node => node is not null, TimeSpan.FromSeconds(30), ct);
        leader.ShouldNotBeNull("no live instance took the lead within 30 s of Postgres coming back");
    }

    /// <summary>The node number of the leader, when its node wrote a heartbeat in the last 10 s.</summary>
    private async Task<int?> LiveLeaderAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                "select n.node_number from referrals.wolverine_node_assignments a join referrals.wolverine_nodes n on n.id = a.node_id " +
                "where a.id like 'wolverine://leader%' and n.health_check > now() - interval '10 seconds'", connection);
            return await command.ExecuteScalarAsync(ct) as int?;
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }
}
