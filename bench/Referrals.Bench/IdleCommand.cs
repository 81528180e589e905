using System.CommandLine;
using System.Globalization;

namespace Referrals.Bench;

/// <summary>
/// The floor: the service's CPU per second while nothing is sent (thread-pool spinning, Kafka polling, Wolverine's
/// durability agents, timers), from /proc over a window. Run it after the load, when the JIT has settled.
/// </summary>
public static class IdleCommand
{
    public static Command Command()
    {
        var seconds = new Option<int>("--seconds") { Description = "length of the idle window", DefaultValueFactory = _ => 30 };
        var servicePorts = new Option<int[]>("--service-port") { Description = "ports the service's processes listen on", Required = true, AllowMultipleArgumentsPerToken = true };
        var json = new Option<string?>("--json") { Description = "append the figure as one JSON line to this file" };
        var command = new Command("idle", "the service's CPU ms per second with nothing sent") { seconds, servicePorts, json };
        command.SetAction((parsed, ct) => RunAsync(TimeSpan.FromSeconds(parsed.GetValue(seconds)),
            ServiceProcesses.ListeningOn(parsed.GetValue(servicePorts)!), parsed.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(TimeSpan window, ServiceProcesses service, string? json, CancellationToken ct)
    {
        var loadStart = ServiceProcesses.LoadAverage();
        if (service.CpuMs() is not { } start)
        {
            Console.Error.WriteLine("idle: no service process found on the given ports");
            return 1;
        }
        await Task.Delay(window, ct);
        var used = service.CpuMs()!.Value - start;
        var perSecond = used / window.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"idle: {perSecond:0.0} ms CPU per second over {window.TotalSeconds:0} s ({service.Pids.Count} process(es), load {loadStart:0.0} → {ServiceProcesses.LoadAverage():0.0})"));
        ResultFile.Append(json, "idle", new Dictionary<string, object?>
        {
            ["seconds"] = window.TotalSeconds,
            ["service_cpu_ms_per_s"] = perSecond,
            ["processes"] = service.Pids.Count,
            ["load_average_start"] = loadStart,
            ["load_average_end"] = ServiceProcesses.LoadAverage(),
        });
        return 0;
    }
}
