using System.Diagnostics;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Deployment;

/// <summary>
/// Outside Development Wolverine loads its handlers from the code generated ahead into Referrals.Service/Internal/Generated
/// (TypeLoadMode.Static, no Roslyn at run time); a handler added or changed without `codegen write` would fail the start.
/// This regenerates into a scratch content root and compares.
/// </summary>
public sealed class StartupGeneratedCodeTests
{
    private const string GeneratedFolder = "Internal/Generated";

    [Fact]
    public async Task The_committed_generated_code_is_what_codegen_writes_for_the_current_handlers()
    {
        var ct = TestContext.Current.CancellationToken;
        var scratch = Directory.CreateTempSubdirectory("referrals-codegen-");
        try
        {
            var (exitCode, output) = await CodegenWriteAsync(scratch.FullName, ct);

            exitCode.ShouldBe(0, output);
            var committed = Files(Path.Combine(Repository.Root, "Referrals.Service", GeneratedFolder));
            var written = Files(Path.Combine(scratch.FullName, GeneratedFolder));
            written.Keys.ShouldBe(committed.Keys, ignoreOrder: true, StaleMessage);
            foreach (var (file, text) in written)
                text.ReplaceLineEndings().ShouldBe(committed[file].ReplaceLineEndings(), $"{file}: {StaleMessage}");
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private const string StaleMessage =
        "Referrals.Service/Internal/Generated is stale: regenerate it with the command in the README (\"Start-up\")";

    private static Dictionary<string, string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .ToDictionary(file => Path.GetRelativePath(folder, file).Replace('\\', '/'), File.ReadAllText);

    private static async Task<(int ExitCode, string Output)> CodegenWriteAsync(string contentRoot, CancellationToken ct)
    {
        var service = Path.Combine(Repository.Root, "Referrals.Service", "bin", Repository.BuildConfiguration, "net10.0", "Referrals.Service.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { service, "codegen", "write" })
            start.ArgumentList.Add(argument);
        // The settings of deploy/local/codegen.sh: addresses nothing answers on, since code generation connects to nothing.
        foreach (var (key, value) in CodegenSettings(contentRoot))
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, process.ExitCode == 0 ? "" : await output + await errors);
    }

    private static Dictionary<string, string> CodegenSettings(string contentRoot) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["ASPNETCORE_CONTENTROOT"] = contentRoot,
        ["ConnectionStrings__referralsdb"] = "Host=127.0.0.1;Port=1;Database=referrals;Username=codegen;Password=codegen",
        ["ConnectionStrings__redis"] = "127.0.0.1:1",
        ["ConnectionStrings__kafka"] = "127.0.0.1:1",
        ["AUTH_HOST"] = "http://127.0.0.1:1",
        ["CORE_HOST"] = "http://127.0.0.1:1",
        ["Shopify__AppSecret"] = "codegen",
    };
}
