using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Referrals.Bench;

/// <summary>
/// The service's processes on this machine, found by the ports they listen on (`ss -ltnpH`), measured from /proc:
/// CPU as utime + stime (field 14 + 15 of /proc/PID/stat, in clock ticks) and peak RSS as VmHWM, which writing 5 to
/// /proc/PID/clear_refs resets to the current RSS (as the ceiling does before each window). A service that is not
/// local (no listener found) is not measured: every figure is then null.
/// </summary>
public sealed partial class ServiceProcesses
{
    private const double ClockTicksPerSecond = 100; // USER_HZ, 100 on every Linux the project runs on

    public IReadOnlyList<int> Pids { get; }

    private ServiceProcesses(IReadOnlyList<int> pids) => Pids = pids;

    public static ServiceProcesses ListeningOn(IEnumerable<int> ports) =>
        new([.. ports.Select(ListenerOf).OfType<int>().Distinct()]);

    private static int? ListenerOf(int port)
    {
        var ss = Process.Start(new ProcessStartInfo("ss", ["-ltnpH", $"sport = :{port.ToString(CultureInfo.InvariantCulture)}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        var match = PidPattern().Match(output);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>CPU used so far by all the processes together, in milliseconds.</summary>
    public double? CpuMs()
    {
        if (Pids.Count == 0)
            return null;
        double ticks = 0;
        foreach (var pid in Pids)
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        return ticks * 1000 / ClockTicksPerSecond;
    }

    public void ResetPeakRss()
    {
        foreach (var pid in Pids)
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
    }

    /// <summary>VmHWM of each process in MiB, in the order of <see cref="Pids"/>.</summary>
    public IReadOnlyList<double> PeakRssMb() => [.. Pids.Select(pid => StatusKb(pid, "VmHWM:") / 1024.0)];

    private static long StatusKb(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>The 1-minute load average, reported with every figure (the machine is shared).</summary>
    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex PidPattern();
}
