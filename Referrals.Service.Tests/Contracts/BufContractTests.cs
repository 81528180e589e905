using System.Diagnostics;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Contracts;

/// <summary>
/// The gRPC contract (protos/, buf.yaml v2) passes `buf lint` (STANDARD) and `buf breaking` (FILE) against the
/// committed previous contract, protos/.previous/referrals.v1.json: an image, so the check needs no git history
/// and works on a shallow clone. buf comes from npm (@bufbuild/buf, installed by scripts/prerequisites.sh).
/// </summary>
public sealed class BufContractTests
{
    private const string PreviousContract = ".previous/referrals.v1.json";
    private static readonly string Protos = Path.Combine(Repository.Root, "protos");

    [Fact]
    public async Task The_protos_pass_buf_lint()
    {
        var (exitCode, output) = await BufAsync(Protos, ["lint"]);

        exitCode.ShouldBe(0, output);
    }

    [Fact]
    public async Task The_referrals_contract_breaks_nothing_of_the_committed_previous_contract()
    {
        var (exitCode, output) = await BufAsync(Protos, ["breaking", "--against", PreviousContract]);

        exitCode.ShouldBe(0, output);
    }

    [Fact]
    public async Task Removing_an_rpc_from_the_referrals_contract_is_reported_as_breaking()
    {
        var copy = CopyOfProtos();
        try
        {
            var contract = Path.Combine(copy, "referrals", "v1", "referrals.proto");
            var original = await File.ReadAllLinesAsync(contract, TestContext.Current.CancellationToken);
            var withoutRpc = original.Where(line => !line.Contains("rpc GetReferralStatus(", StringComparison.Ordinal)).ToArray();
            withoutRpc.Length.ShouldBe(original.Length - 1);
            await File.WriteAllLinesAsync(contract, withoutRpc, TestContext.Current.CancellationToken);

            var (exitCode, output) = await BufAsync(copy, ["breaking", "--against", PreviousContract]);

            exitCode.ShouldNotBe(0);
            output.ShouldContain("GetReferralStatus");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static string CopyOfProtos()
    {
        var copy = Path.Combine(Path.GetTempPath(), $"referrals-protos-{Guid.NewGuid():N}");
        foreach (var file in Directory.EnumerateFiles(Protos, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(Protos, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }

    private static async Task<(int ExitCode, string Output)> BufAsync(string workingDirectory, IEnumerable<string> arguments)
    {
        var buf = FindOnPath("buf")
            ?? throw new InvalidOperationException(
                "buf is not installed: run `bash scripts/prerequisites.sh` (it installs npm's @bufbuild/buf)");
        var start = new ProcessStartInfo(buf)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var ct = TestContext.Current.CancellationToken;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, $"{await output}{await errors}");
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
