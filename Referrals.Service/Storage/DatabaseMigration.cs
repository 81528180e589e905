using JasperFx;
using JasperFx.CommandLine.Descriptions;
using JasperFx.Resources;
using Marten;
using Npgsql;
using Referrals.Service.Tenancy;

namespace Referrals.Service.Storage;

/// <summary>
/// `migrate`: every schema change, as the owner, before the service starts (the service connects as the runtime
/// login and changes nothing). In order: Marten's tables for every document the slices register (with their
/// policies), Wolverine's message storage, the slices' own <see cref="DatabaseObjects"/>, then the runtime login,
/// its rights and the policies of the <see cref="ShopIsolatedTable"/>s. Idempotent, and two runs at once take
/// turns on an advisory lock, so a Kubernetes Job retried or started twice is harmless.
/// </summary>
public sealed class DatabaseMigration(
    IDocumentStore store,
    IEnumerable<ISystemPart> systemParts,
    IEnumerable<IStatefulResource> resources,
    NpgsqlDataSource database,
    IEnumerable<DatabaseObjects> databaseObjects,
    IEnumerable<ShopIsolatedTable> shopTables,
    IConfiguration configuration)
{
    /// <summary>The runtime login's password, set by every migration (so rotating it is: change it, migrate, restart).</summary>
    public const string RuntimePasswordKey = "Database:RuntimePassword";

    private const long LockId = 0x5245_4652_4D49_47; // "REFRMIG"

    public async Task RunAsync(TextWriter progress, CancellationToken ct)
    {
        var runtimePassword = configuration[RuntimePasswordKey] is { Length: > 0 } password
            ? password
            : throw new InvalidOperationException($"{RuntimePasswordKey} is not set: the runtime login needs a password.");

        await using var connection = await database.OpenConnectionAsync(ct);
        await ExecuteAsync(connection, $"select pg_advisory_lock({LockId})", ct);
        try
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);
            await progress.WriteLineAsync("documents: applied");

            foreach (var resource in await MessageStorageAsync(ct))
            {
                await resource.Setup(ct);
                await progress.WriteLineAsync($"{resource.Type} {resource.Name}: applied");
            }

            foreach (var objects in databaseObjects)
            {
                await ExecuteAsync(connection, objects.Sql, ct);
                await progress.WriteLineAsync($"{objects.Name}: applied");
            }

            await ExecuteAsync(connection, ShopRowLevelSecurity.Sql(runtimePassword, shopTables), ct);
            await progress.WriteLineAsync($"runtime login {ShopRowLevelSecurity.RuntimeRole}, rights and policies: applied");
        }
        finally
        {
            await ExecuteAsync(connection, $"select pg_advisory_unlock({LockId})", CancellationToken.None);
        }
    }

    /// <summary>Wolverine's database storage, and none of its other resources (the Kafka topics are not ours to make here).</summary>
    private async Task<IReadOnlyList<IStatefulResource>> MessageStorageAsync(CancellationToken ct)
    {
        var found = new List<IStatefulResource>(resources);
        foreach (var part in systemParts)
            found.AddRange(await part.FindResources());
        return found.Where(r => !IsKafka(r.Type) && !IsKafka(r.Name) && !IsKafka(r.ResourceUri?.ToString())).ToList();

        static bool IsKafka(string? text) => text?.Contains("kafka", StringComparison.OrdinalIgnoreCase) == true;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
