using System.Diagnostics;
using System.Globalization;

namespace Referrals.Bench;

/// <summary>
/// dotnet-trace attached to one service process for a fixed time (--duration: the tool then stops and writes the
/// speedscope JSON itself, no signal needed), sampling managed stacks (~100 Hz). Started when a measured window starts,
/// so the setup is not in the profile. Needs `dotnet tool install -g dotnet-trace`.
/// </summary>
public sealed class TraceSession
{
    private readonly Process? _process;

    private TraceSession(Process? process) => _process = process;

    public static TraceSession Start(string? directory, string name, ServiceProcesses service, TimeSpan duration)
    {
        if (string.IsNullOrEmpty(directory) || service.Pids.Count == 0)
            return new TraceSession(null);
        Directory.CreateDirectory(directory);
        var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-trace");
        var start = new ProcessStartInfo(File.Exists(tool) ? tool : "dotnet-trace",
        [
            "collect", "-p", service.Pids[0].ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-sampled-thread-time",
            "--duration", duration.ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture), "--format", "Speedscope",
            "-o", Path.Combine(directory, name + ".nettrace"),
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine("dotnet-trace: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new TraceSession(process);
    }

    public async Task WaitAsync()
    {
        if (_process is null)
            return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
    }
}
