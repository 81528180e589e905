using System.CommandLine;
using System.Globalization;
using Npgsql;
using Referrals.Service.Platform;
using Referrals.Service.Storage;

namespace Referrals.Service.Features.Translations;

/// <summary>A version of a platform default (<see cref="ShopId"/> null) or of a shop's override.</summary>
public sealed record TranslationVersionRow(Guid Id, string Key, string Locale, int Version, DateTimeOffset CreatedAt, Guid? ShopId = null);

/// <summary>
/// Prunes translation versions older than a cutoff that are not current, platform defaults and every shop's overrides
/// alike (the current version of a (shop, key, locale) is kept however old it is). Shared by the
/// `cleanup-translations` command and the daily job.
/// </summary>
public sealed class TranslationVersionPruner(NpgsqlDataSource database)
{
    private const string Defaults = $"{DocumentStorage.Schema}.{TranslationsModule.DefaultsTable}";
    private const string Overrides = $"{DocumentStorage.Schema}.{TranslationsModule.OverridesTable}";

    public static IReadOnlyList<TranslationVersionRow> Prunable(IEnumerable<TranslationVersionRow> versions, DateTimeOffset cutoff) =>
        [.. versions.GroupBy(v => (v.ShopId, v.Key, v.Locale))
            .SelectMany(g => g.Where(v => v.Version < g.Max(c => c.Version) && v.CreatedAt < cutoff))
            .OrderBy(v => v.ShopId).ThenBy(v => v.Key, StringComparer.Ordinal).ThenBy(v => v.Locale, StringComparer.Ordinal)
            .ThenBy(v => v.Version)];

    public async Task<IReadOnlyList<TranslationVersionRow>> FindAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var command = database.CreateCommand($"""
            select id, key, locale, version, (data ->> 'created_at')::timestamptz, null from {Defaults}
            union all
            select id, key, locale, version, (data ->> 'created_at')::timestamptz, tenant_id from {Overrides}
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<TranslationVersionRow>();
        while (await reader.ReadAsync(ct))
            rows.Add(new TranslationVersionRow(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : Guid.Parse(reader.GetString(5))));
        return Prunable(rows, cutoff);
    }

    public async Task<int> DeleteAsync(IReadOnlyList<TranslationVersionRow> versions, CancellationToken ct)
    {
        await using var command = database.CreateCommand($"""
            with defaults as (delete from {Defaults} where id = any(@ids) returning id),
                 overrides as (delete from {Overrides} where id = any(@ids) returning id)
            select (select count(*) from defaults) + (select count(*) from overrides)
            """);
        command.Parameters.AddWithValue("ids", versions.Select(v => v.Id).ToArray());
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// `dotnet Referrals.Service.dll cleanup-translations [--apply] [--older-than-days 90]` — the seed's
/// cleanup_translations.py. Dry run by default: prints what it would delete. Connects like the service does.
/// </summary>
public static class CleanupTranslationsCommand
{
    public const string Name = "cleanup-translations";

    public static Command Create()
    {
        var apply = new Option<bool>("--apply") { Description = "delete the versions (default: only print them)" };
        var olderThanDays = new Option<int>("--older-than-days")
        {
            Description = "prune non-current versions created more than this many days ago",
            DefaultValueFactory = _ => 90,
        };
        var command = new Command(Name, "Prune translation versions that are old and not current") { apply, olderThanDays };
        command.SetAction((parsed, ct) => PruneAsync(parsed.GetValue(apply), parsed.GetValue(olderThanDays), ct));
        return command;
    }

    private static async Task<int> PruneAsync(bool apply, int olderThanDays, CancellationToken ct)
    {
        if (olderThanDays < 1)
        {
            await Console.Error.WriteLineAsync("--older-than-days must be at least 1");
            return 2;
        }

        var configuration = new ConfigurationManager();
        configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true).AddEnvironmentVariables();
        InfrastructureSettings.ApplySeedVariables(configuration);
        await using var database = NpgsqlDataSource.Create(InfrastructureSettings.Required(configuration, InfrastructureSettings.Database));
        var pruner = new TranslationVersionPruner(database);

        var cutoff = TimeProvider.System.GetUtcNow().AddDays(-olderThanDays);
        var prunable = await pruner.FindAsync(cutoff, ct);
        foreach (var version in prunable)
        {
            var owner = version.ShopId is { } shopId ? $"shop {shopId}" : "the platform";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(apply ? "delete" : "would delete")} {version.Key} {version.Locale} v{version.Version} of {owner} created {version.CreatedAt:yyyy-MM-dd} id {version.Id}"));
        }

        if (!apply)
        {
            Console.WriteLine($"dry run: {prunable.Count} version(s) older than {olderThanDays} days and not current; --apply deletes them");
            return 0;
        }
        var deleted = prunable.Count == 0 ? 0 : await pruner.DeleteAsync(prunable, ct);
        Console.WriteLine($"deleted {deleted} version(s) older than {olderThanDays} days and not current");
        return 0;
    }
}
