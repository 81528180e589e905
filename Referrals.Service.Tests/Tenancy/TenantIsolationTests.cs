using Npgsql;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.DeadLetters;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Tiers;

namespace Referrals.Service.Tests.Tenancy;

/// <summary>
/// Tenant isolation enforced by PostgreSQL, seen through the service's own login (`referrals_runtime`) after the
/// service's real flows wrote rows for both dev shops in every tenant table.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class TenantIsolationTests(ReferralsApp app)
{
    /// <summary>The tenant tables issue 14 names; a new one (a slice's `.MultiTenanted()` document) joins them by itself.</summary>
    private static readonly string[] NamedTenantTables =
    [
        "mt_doc_referral", "referral_audit", "mt_doc_processed_events", "mt_doc_customertier", "mt_doc_bonuspolicy",
        "mt_doc_published_events", "mt_doc_dead_letters",
    ];

    private static readonly Guid[] BothShops = [DevShops.Main, DevShops.Other];

    [Fact]
    public async Task Every_table_with_a_tenant_id_is_under_a_forced_policy_on_app_shop_id()
    {
        var ct = TestContext.Current.CancellationToken;

        var tables = await TenantTablesAsync(ct);

        NamedTenantTables.Except(tables.Keys).ShouldBeEmpty("named tenant tables missing");
        tables.Where(t => !t.Value).Select(t => t.Key).ShouldBeEmpty("tables with a tenant_id but no forced app.shop_id policy");
    }

    [Fact]
    public async Task As_the_runtime_login_a_connection_without_a_shop_sees_no_row_of_any_tenant_table_and_a_shop_sees_only_its_own()
    {
        var ct = TestContext.Current.CancellationToken;
        await WriteRowsOfBothShopsInEveryTenantTableAsync(ct);
        var tables = (await TenantTablesAsync(ct)).Keys.ToList();

        foreach (var table in tables)
        {
            var asOwner = await TenantsInAsync(app.DatabaseConnectionString, table, shop: null, ct);
            var withoutShop = await TenantsInAsync(app.RuntimeConnectionString, table, shop: null, ct);
            var asMainShop = await TenantsInAsync(app.RuntimeConnectionString, table, DevShops.Main, ct);

            if (NamedTenantTables.Contains(table))
                BothShops.Select(s => s.ToString()).Except(asOwner).ShouldBeEmpty(table);
            withoutShop.ShouldBeEmpty(table);
            asMainShop.ShouldAllBe(tenant => tenant == DevShops.Main.ToString(), table);
            if (NamedTenantTables.Contains(table))
                asMainShop.ShouldNotBeEmpty(table);
        }
    }

    [Fact]
    public async Task Acting_for_one_shop_the_runtime_login_can_neither_write_another_shops_row_nor_change_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var theirs = await app.CreateReferralAsync(ShopifyWebhooks.Other, 300, ct);
        var ours = await app.CreateReferralAsync(ShopifyWebhooks.Main, 300, ct);

        var audit = await RefusedAsync(DevShops.Main,
            $"insert into referrals.referral_audit (tenant_id, referral_id, to_status, changed_at) values ('{DevShops.Other}', gen_random_uuid(), 'pending', now())", ct);
        var moved = await RefusedAsync(DevShops.Main,
            $"update referrals.mt_doc_referral set tenant_id = '{DevShops.Other}' where id = '{ours.ReferralId}'", ct);
        var changed = await RowsAffectedAsync(DevShops.Main,
            $"update referrals.mt_doc_referral set data = data where id = '{theirs.ReferralId}'", ct);
        var erased = await RowsAffectedAsync(DevShops.Main, $"delete from referrals.referral_audit where tenant_id = '{DevShops.Other}'", ct);

        audit.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        moved.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        changed.ShouldBe(0);
        erased.ShouldBe(0);
    }

    [Fact]
    public async Task The_runtime_login_is_no_owner_no_superuser_and_cannot_change_the_schema_its_policies_or_its_role()
    {
        var ct = TestContext.Current.CancellationToken;

        var (superuser, bypassRls, createRole, createDb) = await RoleAttributesAsync(ct);
        var owns = await ScalarAsync<long>(app.DatabaseConnectionString,
            "select count(*) from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = 'referrals_runtime'", ct);
        string?[] refused =
        [
            await RefusedAsync(null, "create table referrals.intruder (id int)", ct),
            await RefusedAsync(null, "create table public.intruder (id int)", ct),
            await RefusedAsync(null, "alter table referrals.mt_doc_referral disable row level security", ct),
            await RefusedAsync(null, "alter table referrals.mt_doc_referral no force row level security", ct),
            await RefusedAsync(null, "drop policy shop_isolation on referrals.referral_audit", ct),
            await RefusedAsync(null, "alter policy mt_doc_referral_marten_tenant_isolation on referrals.mt_doc_referral using (true)", ct),
            await RefusedAsync(null, "set role postgres", ct),
            await RefusedAsync(null, "select rolpassword from pg_authid", ct),
            await RefusedAsync(null, "create function referrals.intruder() returns int language sql as 'select 1'", ct),
        ];

        superuser.ShouldBeFalse();
        bypassRls.ShouldBeFalse();
        createRole.ShouldBeFalse();
        createDb.ShouldBeFalse();
        owns.ShouldBe(0);
        refused.ShouldAllBe(code => code == PostgresErrorCodes.InsufficientPrivilege);
    }

    [Fact]
    public async Task The_service_connects_to_postgres_as_the_runtime_login()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.CreateReferralAsync(ShopifyWebhooks.Main, 301, ct);
        // Only the test's own pooled owner connections would be left besides the service's.
        NpgsqlConnection.ClearAllPools();

        var logins = await Eventually.ReturnsAsync(() => LoginsConnectedAsync(ct), l => l.Count > 0, TimeSpan.FromSeconds(10), ct);

        logins.ShouldBe(["referrals_runtime"]);
    }

    private async Task<List<string>> LoginsConnectedAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString + ";Pooling=false");
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select distinct usename from pg_stat_activity where datname = 'referrals' and backend_type = 'client backend' " +
            "and pid <> pg_backend_pid() order by 1", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var logins = new List<string>();
        while (await reader.ReadAsync(ct))
            logins.Add(reader.GetString(0));
        return logins;
    }

    /// <summary>Through the service: a referral (and its audit entry), a conversion (processed event, published events), a tier, a dead letter.</summary>
    private async Task WriteRowsOfBothShopsInEveryTenantTableAsync(CancellationToken ct)
    {
        using var http = app.CreateHttpClient();
        foreach (var shop in new[] { ShopifyWebhooks.Main, ShopifyWebhooks.Other })
        {
            var link = await app.CreateReferralAsync(shop, 310, ct);
            (await http.PostOrderAsync(shop, ShopifyWebhooks.Order(311, discountCode: link.LinkId), Guid.NewGuid().ToString(), ct))
                .EnsureSuccessStatusCode();
            var tierEvent = Guid.NewGuid();
            await app.ProduceAsync(shop.Id.ToString(),
                CampaignEvents.TierAssigned(tierEvent, shop.Id, DevShops.Customer(shop.Id, 312), "gold", DateTimeOffset.UtcNow));
            await app.ProcessedAsync(shop.Id, tierEvent, ct);
            await app.DeadLetterAnOrderAsync(shop, 320, ct);
        }

        await Eventually.ReturnsAsync(async () =>
        {
            var missing = new List<string>();
            foreach (var table in NamedTenantTables)
            {
                var tenants = await TenantsInAsync(app.DatabaseConnectionString, table, shop: null, ct);
                if (!BothShops.All(s => tenants.Contains(s.ToString())))
                    missing.Add(table);
            }
            return missing;
        }, missing => missing.Count == 0, TimeSpan.FromSeconds(30), ct);
    }

    /// <summary>Every table of the schema with a tenant_id, and whether it has forced RLS with a policy on app.shop_id.</summary>
    private async Task<Dictionary<string, bool>> TenantTablesAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            select c.relname,
                   c.relrowsecurity and c.relforcerowsecurity and exists (
                     select 1 from pg_policy p where p.polrelid = c.oid
                       and pg_get_expr(p.polqual, p.polrelid) like '%current_setting(''app.shop_id''%'
                       and pg_get_expr(p.polwithcheck, p.polrelid) like '%current_setting(''app.shop_id''%')
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'referrals' and c.relkind in ('r', 'p') and not c.relispartition
              and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var tables = new Dictionary<string, bool>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
            tables[reader.GetString(0)] = reader.GetBoolean(1);
        return tables;
    }

    private static async Task<List<string>> TenantsInAsync(string connectionString, string table, Guid? shop, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (shop is not null)
            await NameShopAsync(connection, transaction, shop.Value, ct);
        await using var query = new NpgsqlCommand($"select distinct tenant_id from referrals.{table}", connection, transaction);
        await using var reader = await query.ExecuteReaderAsync(ct);
        var tenants = new List<string>();
        while (await reader.ReadAsync(ct))
            tenants.Add(reader.GetString(0));
        return tenants;
    }

    /// <summary>The SQLSTATE the runtime login's statement failed with (in a transaction rolled back), or null when it ran.</summary>
    private async Task<string?> RefusedAsync(Guid? shop, string sql, CancellationToken ct)
    {
        try
        {
            await RowsAffectedAsync(shop, sql, ct);
            return null;
        }
        catch (PostgresException e)
        {
            return e.SqlState;
        }
    }

    private async Task<int> RowsAffectedAsync(Guid? shop, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.RuntimeConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (shop is not null)
            await NameShopAsync(connection, transaction, shop.Value, ct);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        var rows = await command.ExecuteNonQueryAsync(ct);
        await transaction.RollbackAsync(ct);
        return rows;
    }

    private async Task<(bool Superuser, bool BypassRls, bool CreateRole, bool CreateDb)> RoleAttributesAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = 'referrals_runtime'", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        (await reader.ReadAsync(ct)).ShouldBeTrue("the runtime login exists");
        return (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3));
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task NameShopAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid shop, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select set_config('app.shop_id', @shop, true)", connection, transaction);
        command.Parameters.AddWithValue("shop", shop.ToString());
        await command.ExecuteNonQueryAsync(ct);
    }
}
