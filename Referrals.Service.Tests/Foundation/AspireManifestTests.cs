using System.Diagnostics;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Foundation;

public sealed class AspireManifestTests
{
    [Fact]
    public async Task The_committed_aspire_manifest_matches_what_the_apphost_publishes()
    {
        var ct = TestContext.Current.CancellationToken;
        // The manifest's project paths are relative to the file, so it is generated beside the committed one.
        var generated = Path.Combine(Repository.Root, $"aspire-manifest.{Guid.NewGuid():N}.generated.json");
        try
        {
            var exitCode = await RunAsync("dotnet",
                ["run", "--project", Path.Combine(Repository.Root, "Referrals.AppHost"), "--no-build",
                 "--configuration", Repository.BuildConfiguration, "--", "--publisher", "manifest", "--output-path", generated], ct);

            exitCode.ShouldBe(0);
            var expected = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "aspire-manifest.json"), ct);
            var actual = await File.ReadAllTextAsync(generated, ct);
            actual.ReplaceLineEndings().ShouldBe(expected.ReplaceLineEndings(),
                "aspire-manifest.json is stale: regenerate it with the command in the README");
        }
        finally
        {
            File.Delete(generated);
        }
    }

    private static async Task<int> RunAsync(string program, IEnumerable<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // The manifest describes the containers deployment whatever this machine has.
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            TestContext.Current.SendDiagnosticMessage($"{await output}{await errors}");
        return process.ExitCode;
    }
}
