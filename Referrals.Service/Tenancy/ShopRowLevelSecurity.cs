using Npgsql;
using Referrals.Service.Storage;

namespace Referrals.Service.Tenancy;

/// <summary>
/// Row-level security by shop, enforced by PostgreSQL: referral rows are visible to the runtime role
/// `referrals_runtime` only when the transaction names the shop (`app.shop_id`). The role that owns and
/// migrates the schema is not subject to the policy (RLS is enabled, not forced); the service reads
/// tenant data through <see cref="ReadAsShopAsync"/>, which drops to the runtime role for the transaction.
/// A transaction without the shop's context sees no rows at all.
/// </summary>
public sealed class ShopRowLevelSecurity(NpgsqlDataSource database, IEnumerable<ShopIsolatedTable> shopTables)
{
    public const string RuntimeRole = "referrals_runtime";
    public const string ShopSetting = "app.shop_id";
    private const string Schema = DocumentStorage.Schema;

    /// <summary>Runs a read in a transaction in which the runtime role acts for one shop, then rolls it back.</summary>
    public async Task<T> ReadAsShopAsync<T>(Guid shopId, Func<NpgsqlTransaction, Task<T>> read, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand(
            $"select set_config('role', '{RuntimeRole}', true), set_config('{ShopSetting}', @shop, true)", connection, transaction))
        {
            command.Parameters.AddWithValue("shop", shopId.ToString());
            await command.ExecuteNonQueryAsync(ct);
        }
        return await read(transaction);
    }

    /// <summary>Creates the runtime role and the policies (idempotent; runs on every start, after Marten's schema).</summary>
    public async Task ApplyAsync(CancellationToken ct)
    {
        var policies = string.Join("\n", shopTables.Select(t => t.Name).Distinct(StringComparer.Ordinal).Select(table => $"""
            alter table {Schema}.{table} enable row level security;
            drop policy if exists shop_isolation on {Schema}.{table};
            create policy shop_isolation on {Schema}.{table} to {RuntimeRole}
              using (tenant_id = current_setting('{ShopSetting}', true))
              with check (tenant_id = current_setting('{ShopSetting}', true));
            """));
        await using var command = database.CreateCommand($"""
            do $$ begin
              if not exists (select 1 from pg_roles where rolname = '{RuntimeRole}') then
                create role {RuntimeRole} nologin nosuperuser nobypassrls;
              end if;
            end $$;
            grant usage on schema {Schema} to {RuntimeRole};
            grant select, insert, update, delete on all tables in schema {Schema} to {RuntimeRole};
            grant execute on all functions in schema {Schema} to {RuntimeRole};
            grant {RuntimeRole} to current_user;
            {policies}
            """);
        await command.ExecuteNonQueryAsync(ct);
    }
}

public sealed class ApplyShopRowLevelSecurity(ShopRowLevelSecurity security) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => security.ApplyAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A table of tenant (shop) data, in the documents' schema; its tenant_id is the shop_id.</summary>
public sealed record ShopIsolatedTable(string Name);

public static class ShopRowLevelSecuritySetup
{
    /// <summary>The slice that owns <paramref name="table"/> puts it under the shop isolation policy.</summary>
    public static IServiceCollection AddShopIsolatedTable(this IServiceCollection services, string table) =>
        services.AddSingleton(new ShopIsolatedTable(table));
}
