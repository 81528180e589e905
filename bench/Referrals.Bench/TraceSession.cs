using System.Diagnostics;
using System.Globalization;

namespace Referrals.Bench;

/// <summary>
/// dotnet-trace attached to one service process for a fixed time (--duration: the tool stops by itself, no signal
/// needed), started when a measured window starts so the setup is not in the profile. Two kinds: "thread" samples every
/// managed thread's stack (~100 Hz, `collect --profile dotnet-sampled-thread-time`) and writes speedscope JSON for
/// `profile`; "cpu" takes the kernel's CPU samples (`collect-linux --profile cpu-sampling`, root) and writes
/// `dotnet-trace report … topN` by inclusive and exclusive time beside the trace (its nettrace converts to no speedscope).
/// Needs `dotnet tool install -g dotnet-trace`.
/// </summary>
public sealed class TraceSession
{
    private static readonly string Tool = File.Exists(InstalledTool) ? InstalledTool : "dotnet-trace";
    private readonly Process? _process;
    private readonly string? _cpuTrace;

    private TraceSession(Process? process, string? cpuTrace)
    {
        _process = process;
        _cpuTrace = cpuTrace;
    }

    private static string InstalledTool => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-trace");

    /// <summary>"thread" (default) or "cpu", from REFERRALS_BENCH_TRACE_KIND.</summary>
    private static bool CpuSampling => Environment.GetEnvironmentVariable("REFERRALS_BENCH_TRACE_KIND") == "cpu";

    public static TraceSession Start(string? directory, string name, ServiceProcesses service, TimeSpan duration)
    {
        if (string.IsNullOrEmpty(directory) || service.Pids.Count == 0)
            return new TraceSession(null, null);
        Directory.CreateDirectory(directory);
        var output = Path.Combine(directory, name + (CpuSampling ? ".cpu.nettrace" : ".nettrace"));
        var pid = service.Pids[0].ToString(CultureInfo.InvariantCulture);
        var time = duration.ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture);
        string[] arguments = CpuSampling
            ? ["collect-linux", "-p", pid, "--profile", "cpu-sampling", "--duration", time, "-o", output]
            : ["collect", "-p", pid, "--profile", "dotnet-sampled-thread-time", "--duration", time, "--format", "Speedscope", "-o", output];
        var process = Run(arguments);
        return new TraceSession(process, CpuSampling ? output : null);
    }

    private static Process Run(string[] arguments, TextWriter? output = null)
    {
        var start = new ProcessStartInfo(Tool, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output?.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine("dotnet-trace: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public async Task WaitAsync()
    {
        if (_process is null)
            return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
        if (_cpuTrace is null)
            return;
        foreach (var (suffix, options) in new[] { ("top-inclusive", new[] { "--inclusive" }), ("top-exclusive", Array.Empty<string>()) })
        {
            await using var report = File.CreateText(Path.ChangeExtension(_cpuTrace, suffix + ".txt"));
            using var tool = Run(["report", _cpuTrace, "topN", "-n", "60", .. options], report);
            await tool.WaitForExitAsync(timeout.Token);
        }
    }
}
