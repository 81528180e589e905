using System.Diagnostics;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Runbooks;

/// <summary>
/// Every <c>```bash safe</c> block of every runbook runs against the test stack, with the runbooks' address variables
/// pointed at its ports, and exits 0: the read-only steps an operator follows at 3 a.m. work as written.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class RunbookSafeCommandsTests(ReferralsApp app)
{
    public static TheoryData<string, int> SafeBlocks()
    {
        var blocks = new TheoryData<string, int>();
        foreach (var block in RunbookBlocks.Safe())
            blocks.Add(block.Runbook, block.Index);
        return blocks;
    }

    [Theory]
    [MemberData(nameof(SafeBlocks))]
    public async Task A_safe_runbook_command_block_exits_0_against_the_stack(string runbook, int index)
    {
        var ct = TestContext.Current.CancellationToken;
        var block = RunbookBlocks.Of(runbook)[index];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));

        var (exitCode, output, errors) = await RunAsync(block.Script, timeout.Token);

        exitCode.ShouldBe(0, $"{runbook}, bash block {index}:\n{block.Script}\n--- stdout\n{output}\n--- stderr\n{errors}");
    }

    private async Task<(int ExitCode, string Output, string Errors)> RunAsync(string script, CancellationToken ct)
    {
        var binary = Path.Combine(Repository.Root, "Referrals.Service", "bin", Repository.BuildConfiguration, "net10.0", "Referrals.Service.dll");
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
            Environment =
            {
                ["REFERRALS_HTTP"] = $"127.0.0.1:{app.Ports.Http}",
                ["REFERRALS_DB_URL"] = $"postgresql://postgres:referrals-dev-password@127.0.0.1:{app.Ports.Postgres}/referrals",
                ["REDIS_HOST"] = "127.0.0.1",
                ["REDIS_PORT"] = app.Ports.Redis.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["KAFKA_BROKER"] = app.KafkaBootstrap,
                ["KAFKA_CONTROL"] = $"127.0.0.1:{app.Ports.KafkaControl}",
                ["REFERRALS_CLI"] = $"dotnet {binary}",
                ["ConnectionStrings__referralsdb"] = app.DatabaseConnectionString,
                ["ConnectionStrings__kafka"] = app.KafkaBootstrap,
            },
        };
        foreach (var argument in new[] { "-eo", "pipefail", "-c", script })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await output, await errors);
    }
}
