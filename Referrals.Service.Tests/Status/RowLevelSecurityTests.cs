using Grpc.Core;
using Npgsql;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.StatusReads;

[Collection(IntegrationTier.Name)]
public sealed class RowLevelSecurityTests(ReferralsApp app)
{
    [Fact]
    public async Task As_the_runtime_role_a_query_without_the_shop_context_sees_no_rows_and_with_it_only_that_shops()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 50), ct);
        await app.CreateReferralAsync(DevShops.Other, DevShops.Customer(DevShops.Other, 50), ct);

        var asOwner = await TenantsVisibleAsync(runtimeLogin: false, shop: null, ct);
        var withoutContext = await TenantsVisibleAsync(runtimeLogin: true, shop: null, ct);
        var asMainShop = await TenantsVisibleAsync(runtimeLogin: true, shop: DevShops.Main, ct);

        asOwner.ShouldContain(DevShops.Main.ToString());
        asOwner.ShouldContain(DevShops.Other.ToString());
        withoutContext.ShouldBeEmpty();
        asMainShop.ShouldBe([DevShops.Main.ToString()]);
    }

    [Fact]
    public async Task The_runtime_role_cannot_move_a_row_to_another_shop()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 51), ct);
        await using var connection = new NpgsqlConnection(app.RuntimeConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await EnterAsync(connection, transaction, DevShops.Main, ct);
        await using var move = new NpgsqlCommand("update referrals.mt_doc_referral set tenant_id = @other where id = @id", connection, transaction);
        move.Parameters.AddWithValue("other", DevShops.Other.ToString());
        move.Parameters.AddWithValue("id", Guid.Parse(created.ReferralId));

        var refused = await Should.ThrowAsync<PostgresException>(() => move.ExecuteNonQueryAsync(ct));

        refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Fact]
    public async Task The_service_reads_a_status_from_postgres_as_the_runtime_role()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 52), ct);
        var token = DevShops.MerchantToken(DevShops.Main);

        // Without the runtime role's grant the read must fail: the owner's own rights are not what it uses.
        // Marten and the gRPC method log the refused read. Open (issue 15): the read is no longer retried (Wolverine's
        // retry is transient-only), yet within its one invocation a later command still meets the transaction the
        // refusal aborted (25P02).
        using var expected = app.ExpectErrorLogs("42501: permission denied for table mt_doc_referral",
            "25P02: current transaction is aborted");
        await ExecuteAsync("revoke select on referrals.mt_doc_referral from referrals_runtime", ct);
        RpcException? withoutGrant;
        try
        {
            withoutGrant = await Should.ThrowAsync<RpcException>(() => app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct));
        }
        finally
        {
            await ExecuteAsync("grant select on referrals.mt_doc_referral to referrals_runtime", ct);
        }
        var withGrant = await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct);

        withoutGrant.StatusCode.ShouldBe(StatusCode.Unknown);
        withGrant.Status.ShouldBe(ReferralStatus.Pending);
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<List<string>> TenantsVisibleAsync(bool runtimeLogin, Guid? shop, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(runtimeLogin ? app.RuntimeConnectionString : app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (shop is not null)
            await EnterAsync(connection, transaction, shop.Value, ct);
        await using var query = new NpgsqlCommand("select distinct tenant_id from referrals.mt_doc_referral order by 1", connection, transaction);
        await using var reader = await query.ExecuteReaderAsync(ct);
        var tenants = new List<string>();
        while (await reader.ReadAsync(ct))
            tenants.Add(reader.GetString(0));
        return tenants;
    }

    /// <summary>What the service does for a shop's read: names the shop for the transaction.</summary>
    private static async Task EnterAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid shop, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select set_config('app.shop_id', @shop, true)", connection, transaction);
        command.Parameters.AddWithValue("shop", shop.ToString());
        await command.ExecuteNonQueryAsync(ct);
    }
}
