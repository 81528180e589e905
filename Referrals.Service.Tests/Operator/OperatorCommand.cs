using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Referrals.Service.Tests.Infrastructure;

// Tests mirror the service's Operator/ folder; `Operator` is reserved only in VB.
[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Scope = "namespace",
    Target = "~N:Referrals.Service.Tests.Operator", Justification = "Mirrors Referrals.Service/Operator.")]

namespace Referrals.Service.Tests.Operator;

/// <summary>Runs the service binary's operator commands (reprocess-dlq, replay) against the test stack, as an operator would.</summary>
public static class OperatorCommand
{
    public sealed record Outcome(int ExitCode, string Output, string Errors);

    public static async Task<Outcome> RunAsync(this ReferralsApp app, CancellationToken ct, params string[] args)
    {
        using var process = Start(app, args);
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return new Outcome(process.ExitCode, await output, await errors);
    }

    /// <summary>Starts the command, presses Ctrl+C (SIGINT) once it reports its first send, and returns how it ended.</summary>
    public static async Task<Outcome> InterruptAfterFirstSendAsync(this ReferralsApp app, CancellationToken ct, params string[] args)
    {
        using var process = Start(app, args);
        var output = new StringBuilder();
        while (await process.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            output.AppendLine(line);
            if (line.StartsWith("  sent ", StringComparison.Ordinal))
                break;
        }
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync(ct);
        output.Append(await process.StandardOutput.ReadToEndAsync(ct));
        var errors = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return new Outcome(process.ExitCode, output.ToString(), errors);
    }

    public static Process Start(ReferralsApp app, params string[] args)
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
                ["ConnectionStrings__referralsdb"] = app.DatabaseConnectionString,
                ["ConnectionStrings__kafka"] = app.KafkaBootstrap,
            },
        };
        start.ArgumentList.Add(binary);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the service binary");
    }
}
