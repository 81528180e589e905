using System.Diagnostics;
using System.Text;
using Npgsql;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Tenancy;

/// <summary>`migrate` (which the AppHost already ran once before the service) run again, twice at once, as a retried Job would.</summary>
[Collection(IntegrationTier.Name)]
public sealed class MigrationTests(ReferralsApp app)
{
    [Fact]
    public async Task Migrating_again_twice_at_once_succeeds_and_leaves_the_schema_and_the_runtime_login_as_they_were()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await SchemaAsync(ct);

        var runs = await Task.WhenAll(MigrateAsync(ct), MigrateAsync(ct));
        var after = await SchemaAsync(ct);
        await using var runtime = new NpgsqlConnection(app.RuntimeConnectionString);
        await runtime.OpenAsync(ct);

        runs.ShouldAllBe(run => run.ExitCode == 0, string.Join("\n", runs.Select(r => r.Errors)));
        runs.ShouldAllBe(run => run.Output.Contains("migrated", StringComparison.Ordinal));
        after.ShouldBe(before);
    }

    private async Task<(int ExitCode, string Output, string Errors)> MigrateAsync(CancellationToken ct)
    {
        var binary = Path.Combine(Repository.Root, "Referrals.Service", "bin", Repository.BuildConfiguration, "net10.0", "Referrals.Service.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ConnectionStrings__referralsdb"] = app.DatabaseConnectionString,
                ["ConnectionStrings__kafka"] = app.KafkaBootstrap,
                ["ConnectionStrings__redis"] = app.RedisConnectionString,
                ["AUTH_HOST"] = $"127.0.0.1:{app.Ports.Auth}",
                ["CORE_HOST"] = $"127.0.0.1:{app.Ports.Core}",
                ["Database__RuntimePassword"] = "referrals-runtime-dev-password",
            },
        };
        start.ArgumentList.Add(binary);
        start.ArgumentList.Add("migrate");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the service binary");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>The schema's tables, policies and the runtime login's table rights, as text to compare.</summary>
    private async Task<List<string>> SchemaAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            select 'table ' || tablename from pg_tables where schemaname = 'referrals'
            union all
            select 'policy ' || tablename || ' ' || policyname || ' ' || coalesce(qual, '') from pg_policies where schemaname = 'referrals'
            union all
            select 'grant ' || table_name || ' ' || privilege_type from information_schema.role_table_grants
              where table_schema = 'referrals' and grantee = 'referrals_runtime'
            order by 1
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(ct))
            rows.Add(reader.GetString(0));
        return rows;
    }
}
