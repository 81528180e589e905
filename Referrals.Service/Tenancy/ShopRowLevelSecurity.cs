using Npgsql;
using Referrals.Service.Storage;

namespace Referrals.Service.Tenancy;

/// <summary>
/// Row-level security by shop, enforced by PostgreSQL. The service connects as the login <see cref="RuntimeRole"/>:
/// not the owner, not a superuser, NOBYPASSRLS, with rights on rows only (no CREATE anywhere, no membership in the
/// owner). Every tenant table has a policy `tenant_id = current_setting('app.shop_id')`, forced on the table:
/// Marten's for the `.MultiTenanted()` documents (its sessions for a shop set app.shop_id on their connection, and
/// Npgsql's reset on return to the pool puts it back), and <see cref="ShopIsolatedTable"/>'s for the slices' own
/// tables. The role's default app.shop_id is '' so that a connection that never named a shop sees no rows at all
/// instead of failing. Created by `migrate` (<see cref="DatabaseMigration"/>) as the owner.
/// </summary>
public sealed class ShopRowLevelSecurity(NpgsqlDataSource database)
{
    public const string RuntimeRole = "referrals_runtime";
    public const string ShopSetting = "app.shop_id";
    public const string PolicyName = "shop_isolation";
    private const string Schema = DocumentStorage.Schema;

    /// <summary>Runs a read in a transaction that names one shop, then rolls it back.</summary>
    public async Task<T> ReadAsShopAsync<T>(Guid shopId, Func<NpgsqlTransaction, Task<T>> read, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand($"select set_config('{ShopSetting}', @shop, true)", connection, transaction))
        {
            command.Parameters.AddWithValue("shop", shopId.ToString());
            await command.ExecuteNonQueryAsync(ct);
        }
        return await read(transaction);
    }

    /// <summary>
    /// The runtime login (created, or its password set), its rights and the policies of the slices' own tables.
    /// Idempotent; run by the migration, as the owner, after every table exists.
    /// </summary>
    public static string Sql(string runtimePassword, IEnumerable<ShopIsolatedTable> shopTables)
    {
        var password = runtimePassword.Replace("'", "''", StringComparison.Ordinal);
        var policies = string.Join("\n", shopTables.Select(t => t.Name).Distinct(StringComparer.Ordinal).Select(table => $"""
            alter table {Schema}.{table} enable row level security;
            alter table {Schema}.{table} force row level security;
            drop policy if exists {PolicyName} on {Schema}.{table};
            create policy {PolicyName} on {Schema}.{table}
              using (tenant_id = current_setting('{ShopSetting}'))
              with check (tenant_id = current_setting('{ShopSetting}'));
            """));
        return $"""
            do $$ begin
              if not exists (select 1 from pg_roles where rolname = '{RuntimeRole}') then
                create role {RuntimeRole} login;
              end if;
            end $$;
            alter role {RuntimeRole} login password '{password}'
              nosuperuser nocreatedb nocreaterole noinherit noreplication nobypassrls;
            alter role {RuntimeRole} set {ShopSetting} = '';
            -- The role named the referral policy's target before it was a login; the owner no longer acts through it.
            do $$ begin
              if exists (select 1 from pg_auth_members m join pg_roles r on r.oid = m.roleid
                         where r.rolname = '{RuntimeRole}' and m.member = (select oid from pg_roles where rolname = current_user)) then
                execute 'revoke {RuntimeRole} from ' || quote_ident(current_user);
              end if;
            end $$;
            drop policy if exists {PolicyName} on {Schema}.mt_doc_referral;

            do $$ begin execute format('grant connect on database %I to {RuntimeRole}', current_database()); end $$;
            revoke create on schema public from public;
            revoke all on schema {Schema} from public;
            grant usage on schema {Schema} to {RuntimeRole};
            grant select, insert, update, delete on all tables in schema {Schema} to {RuntimeRole};
            grant usage, select on all sequences in schema {Schema} to {RuntimeRole};
            grant execute on all functions in schema {Schema} to {RuntimeRole};
            alter default privileges in schema {Schema} grant select, insert, update, delete on tables to {RuntimeRole};
            alter default privileges in schema {Schema} grant usage, select on sequences to {RuntimeRole};
            alter default privileges in schema {Schema} grant execute on functions to {RuntimeRole};
            {policies}
            """;
    }
}

/// <summary>A table of tenant (shop) data that is not a Marten document, in the documents' schema; its tenant_id is the shop_id.</summary>
public sealed record ShopIsolatedTable(string Name);

public static class ShopRowLevelSecuritySetup
{
    /// <summary>
    /// The slice that owns <paramref name="table"/> (its own table, not a Marten document: those are tenant tables by
    /// `.MultiTenanted()`) puts it under the shop isolation policy.
    /// </summary>
    public static IServiceCollection AddShopIsolatedTable(this IServiceCollection services, string table) =>
        services.AddSingleton(new ShopIsolatedTable(table));
}
