using System.Diagnostics;
using System.Net;
using Npgsql;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Translations;

[Collection(IntegrationTier.Name)]
public sealed class CleanupTranslationsTests(ReferralsApp app)
{
    private const string Key = "referral.status.queued";

    [Fact]
    public async Task A_dry_run_lists_a_shops_old_non_current_override_versions_and_apply_deletes_exactly_those()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        for (var i = 0; i < 3; i++)
            (await http.AddOverrideVersionAsync(DevShops.Main, Key, "en", "Referral queued", ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var english = (await http.ListOverridesAsync(DevShops.Main, ct, Key))
            .Where(v => v.GetProperty("locale").GetString() == "en").ToList();
        var current = english.Current().ShouldHaveSingleItem().GetProperty("id").GetGuid();
        var old = english.Select(v => v.GetProperty("id").GetGuid()).Where(id => id != current).ToList();
        old.Count.ShouldBeGreaterThanOrEqualTo(2);
        await BackdateAsync("mt_doc_translationoverride", [.. old, current], TimeSpan.FromDays(100), ct);

        var dryRun = await RunCleanupAsync(ct);
        var afterDryRun = await ExistingAsync([.. old, current], ct);
        var applied = await RunCleanupAsync(ct, "--apply");
        var afterApply = await ExistingAsync([.. old, current], ct);

        dryRun.ExitCode.ShouldBe(0);
        dryRun.Output.ShouldContain($"would delete {Key} en", customMessage: dryRun.Output);
        dryRun.Output.ShouldContain($"of shop {DevShops.Main}", customMessage: dryRun.Output);
        old.ShouldAllBe(id => dryRun.Output.Contains(id.ToString()));
        dryRun.Output.ShouldNotContain(current.ToString());
        afterDryRun.Count.ShouldBe(old.Count + 1);
        applied.ExitCode.ShouldBe(0, applied.Output);
        old.ShouldAllBe(id => applied.Output.Contains(id.ToString()));
        afterApply.ShouldBe([current]);
    }

    [Fact]
    public async Task A_platform_default_version_younger_than_the_cutoff_is_kept_and_an_older_one_is_pruned()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.OperatorClient();
        for (var i = 0; i < 2; i++)
            (await http.AddPlatformVersionAsync(Key, "ar", "الإحالة في قائمة الانتظار", ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var arabic = (await http.ListPlatformVersionsAsync(ct, Key)).Where(v => v.GetProperty("locale").GetString() == "ar").ToList();
        var notCurrent = arabic.Where(v => !v.GetProperty("current").GetBoolean()).Select(v => v.GetProperty("id").GetGuid()).ToList();
        notCurrent.Count.ShouldBeGreaterThanOrEqualTo(2);
        var (older, younger) = (notCurrent[0], notCurrent[1..]);
        await BackdateAsync("mt_doc_translation", [older], TimeSpan.FromDays(100), ct);
        await BackdateAsync("mt_doc_translation", younger, TimeSpan.FromDays(30), ct);

        var applied = await RunCleanupAsync(ct, "--apply", "--older-than-days", "90");

        applied.ExitCode.ShouldBe(0);
        applied.Output.ShouldContain($"delete {Key} ar v1 of the platform", customMessage: applied.Output);
        (await ExistingAsync(notCurrent, ct)).ShouldBe(younger, ignoreOrder: true);
    }

    private async Task<(int ExitCode, string Output)> RunCleanupAsync(CancellationToken ct, params string[] options)
    {
        var dll = Path.Combine(Repository.Root, "Referrals.Service", "bin", Repository.BuildConfiguration, "net10.0", "Referrals.Service.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { dll, "cleanup-translations" }.Concat(options))
            start.ArgumentList.Add(argument);
        start.Environment["ConnectionStrings__referralsdb"] = app.DatabaseConnectionString;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await output + await errors);
    }

    private async Task BackdateAsync(string table, List<Guid> ids, TimeSpan age, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($$"""
            update referrals.{{table}}
            set data = jsonb_set(data, '{created_at}', to_jsonb(now() - @age))
            where id = any(@ids)
            """, connection);
        command.Parameters.AddWithValue("age", age);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        (await command.ExecuteNonQueryAsync(ct)).ShouldBe(ids.Count);
    }

    private async Task<List<Guid>> ExistingAsync(List<Guid> ids, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            select id from referrals.mt_doc_translation where id = any(@ids)
            union all select id from referrals.mt_doc_translationoverride where id = any(@ids)
            """, connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var found = new List<Guid>();
        while (await reader.ReadAsync(ct))
            found.Add(reader.GetGuid(0));
        return found;
    }
}
