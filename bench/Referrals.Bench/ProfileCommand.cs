using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Referrals.Bench;

/// <summary>
/// Where the time goes in a dotnet-trace profile (dotnet-sampled-thread-time, `--format Speedscope`): every thread's
/// stack ~100 times a second, ending in CPU_TIME (managed code running) or UNMANAGED_CODE_TIME (native code: a wait, a
/// syscall, or native work such as OpenSSL's HMAC or librdkafka). "Working" is CPU_TIME, plus native time under no
/// known wait frame; it is split by the library of the deepest frame that names one (HMAC, JSON, Redis, Npgsql, Kafka,
/// Marten, Wolverine, FastEndpoints, logging …), by path (time under a frame naming each anchor), and listed as the top
/// frames by inclusive time. Time blocked on a contended lock (Monitor.Enter_Slowpath) is listed by its callers.
/// </summary>
public static class ProfileCommand
{
    // (category, substrings of a frame name), checked in order on the deepest frame first.
    private static readonly (string Category, string[] Names)[] Libraries =
    [
        ("thread-pool spin-wait", ["LowLevelSpinWaiter", "LowLevelLifoSemaphore"]),
        ("HMAC/crypto", ["System.Security.Cryptography"]),
        ("JSON", ["System.Text.Json", "Newtonsoft.Json"]),
        ("Redis", ["StackExchange.Redis", "Pipelines.Sockets"]),
        ("Postgres (Npgsql)", ["Npgsql"]),
        ("Kafka (Confluent)", ["Confluent.Kafka"]),
        ("Marten/Weasel", ["Marten", "Weasel"]),
        ("Wolverine/JasperFx", ["Wolverine", "JasperFx"]),
        ("FastEndpoints", ["FastEndpoints"]),
        ("logging/tracing/metrics", ["Microsoft.Extensions.Logging", "Serilog", "OpenTelemetry", "System.Diagnostics.Activity", "System.Diagnostics.Metrics", "System.Diagnostics.DiagnosticSource"]),
        ("gRPC", ["Grpc."]),
        ("HttpClient", ["System.Net.Http"]),
        ("ASP.NET Core/Kestrel", ["Microsoft.AspNetCore"]),
        ("sockets", ["System.Net.Sockets"]),
        ("Referrals (project code)", ["Referrals."]),
        ("DI/options/config", ["Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Options", "Microsoft.Extensions.Configuration"]),
        ("GC/allocation", ["GC_", "GarbageCollect", "Gen0", "Allocat"]),
    ];

    // A stack with one of these is waiting, not working.
    private static readonly string[] WaitFrames =
    [
        "LowLevelLifoSemaphore.WaitForSignal", "LowLevelLifoSemaphore.Wait", "Monitor.Wait", "WaitHandle.Wait", "WaitOneCore",
        "SocketAsyncEngine.EventLoop", "Thread.Sleep", "ManualResetEventSlim.Wait", "SemaphoreSlim.Wait", "SpinThenBlockingWait",
        "TimerQueue.TimerThread", "LowLevelMonitor.Wait", "Interop+Sys.WaitForSocketEvents", "].Consume(", "Handle.Poll(",
        "StartPollTask", "PortableThreadPool+GateThread", "WaitForSignal", "Thread.Join", "WaitSubsystem", "Monitor.Enter_Slowpath",
        "ProcessLogQueue", "DedicatedThreadPoolPipeScheduler.RunWorkLoop", "Task.Wait(", "Task.InternalWait", "FileSystemWatcher",
        "LowLevelSpinWaiter", "LowLevelLifoSemaphore",
    ];

    // Plumbing every stack runs under: left out of the top list so it shows the frames that differ.
    private static readonly string[] PlumbingFrames =
    [
        "ThreadPoolWorkQueue.Dispatch", "WorkerThread", "ExecutionContext.Run", "AsyncMethodBuilderCore.Start", "Thread.StartCallback",
        "AsyncStateMachineBox", "ThreadPoolTypedWorkItemQueue", "Task.ExecuteWithThreadLocal", "Task.ExecuteEntry", "UNMANAGED_CODE_TIME",
        "Thread.StartCore", "AwaitTaskContinuation", "TaskContinuation.Run", "Task.RunContinuations", "Task.FinishContinuations",
        "Task.TrySetResult", "(Non-Activities)", "Threads", "Process", "Thread (", "CPU_TIME", "MethodBuilder", "SetExistingTaskResult",
        "Task`1.TrySetResult", "Task`1[System.Boolean].TrySetResult", "IThreadPoolWorkItem.Execute",
    ];

    public static Command Command()
    {
        var file = new Argument<string>("speedscope") { Description = "a speedscope JSON written by dotnet-trace (--format Speedscope)" };
        var top = new Option<int>("--top") { Description = "frames to list", DefaultValueFactory = _ => 25 };
        var anchors = new Option<string[]>("--path") { Description = "name=frame-substring: the share of time under a frame naming it (repeatable)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("profile", "where the time goes in a dotnet-trace speedscope profile") { file, top, anchors };
        command.SetAction(parsed => Print(parsed.GetValue(file)!, parsed.GetValue(top), parsed.GetValue(anchors) ?? []));
        return command;
    }

    private static int Print(string path, int top, string[] anchorSpecs)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var names = document.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray()
            .Select(f => f.GetProperty("name").GetString() ?? "?").ToArray();
        var isWait = names.Select(n => WaitFrames.Any(w => n.Contains(w, StringComparison.Ordinal))).ToArray();
        // Only method frames (module!method) name a library; the process and thread frames name the service itself.
        var category = names.Select(n => n.IndexOf('!', StringComparison.Ordinal) is var bang and > 0
            ? Libraries.FirstOrDefault(l => l.Names.Any(x => n.AsSpan(bang + 1).Contains(x, StringComparison.Ordinal))).Category
            : null).ToArray();
        var anchors = anchorSpecs.Select(s => s.Split('=', 2)).Select(p => (Name: p[0], Frame: p[^1])).ToArray();
        var anchorOf = names.Select(n => anchors.Select((a, i) => (a, i)).Where(x => n.Contains(x.a.Frame, StringComparison.Ordinal)).Select(x => x.i).ToArray()).ToArray();

        var inclusive = new double[names.Length];
        var byLibrary = new Dictionary<string, double>();
        var byAnchor = anchors.Select(_ => new Dictionary<string, double>()).ToArray();
        double working = 0, waiting = 0, managed = 0;
        var locks = new Dictionary<string, double>();
        var cpuLeaf = Array.IndexOf(names, "CPU_TIME");

        foreach (var profile in document.RootElement.GetProperty("profiles").EnumerateArray())
        {
            var stack = new List<int>();
            var counts = new Dictionary<int, int>();
            double last = 0;
            foreach (var e in profile.GetProperty("events").EnumerateArray())
            {
                var at = e.GetProperty("at").GetDouble();
                var delta = at - last;
                last = at;
                if (stack.Count > 0 && delta > 0)
                {
                    var contended = stack.FindIndex(f => names[f].Contains("Monitor.Enter_Slowpath", StringComparison.Ordinal));
                    if (contended > 1)
                    {
                        var caller = string.Join(" ← ", stack.Take(contended).Reverse().Take(3).Select(f => Shorten(names[f])));
                        locks[caller] = locks.GetValueOrDefault(caller) + delta;
                    }
                    if (stack[^1] != cpuLeaf && stack.Any(f => isWait[f]))
                    {
                        waiting += delta;
                    }
                    else
                    {
                        working += delta;
                        if (stack[^1] == cpuLeaf)
                            managed += delta;
                        foreach (var frame in counts.Keys)
                            inclusive[frame] += delta;
                        var library = "other (BCL, runtime, native)";
                        for (var i = stack.Count - 1; i >= 0; i--)
                        {
                            if (category[stack[i]] is { } c)
                            {
                                library = c;
                                break;
                            }
                        }
                        byLibrary[library] = byLibrary.GetValueOrDefault(library) + delta;
                        foreach (var anchor in counts.Keys.SelectMany(f => anchorOf[f]).Distinct())
                            byAnchor[anchor][library] = byAnchor[anchor].GetValueOrDefault(library) + delta;
                    }
                }
                var frameIndex = e.GetProperty("frame").GetInt32();
                if (e.GetProperty("type").GetString() == "O")
                {
                    stack.Add(frameIndex);
                    counts[frameIndex] = counts.GetValueOrDefault(frameIndex) + 1;
                }
                else
                {
                    var at2 = stack.LastIndexOf(frameIndex);
                    if (at2 >= 0)
                        stack.RemoveAt(at2);
                    if (counts.TryGetValue(frameIndex, out var n))
                    {
                        if (n <= 1)
                            counts.Remove(frameIndex);
                        else
                            counts[frameIndex] = n - 1;
                    }
                }
            }
        }

        string Pct(double part, double whole) => whole > 0 ? (part / whole * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "—";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(path)}: {working / 1000:0.0} s of thread time working ({managed / 1000:0.0} s managed code on CPU, the rest native under no wait frame), {waiting / 1000:0.0} s waiting (left out)"));
        Console.WriteLine();
        Console.WriteLine("| library (deepest frame that names one) | share of working time |");
        Console.WriteLine("|---|---|");
        foreach (var (library, ms) in byLibrary.OrderByDescending(x => x.Value))
            Console.WriteLine($"| {library} | {Pct(ms, working)} |");
        for (var a = 0; a < anchors.Length; a++)
        {
            var total = byAnchor[a].Values.Sum();
            Console.WriteLine();
            Console.WriteLine($"path {anchors[a].Name} (under a frame naming `{anchors[a].Frame}`): {Pct(total, working)} of working time; by library: " +
                string.Join(", ", byAnchor[a].OrderByDescending(x => x.Value).Take(8).Select(x => $"{x.Key} {Pct(x.Value, total)}")));
        }
        Console.WriteLine();
        Console.WriteLine($"| top {top} frames by inclusive working time | share |");
        Console.WriteLine("|---|---|");
        foreach (var (frame, ms) in inclusive.Select((ms, i) => (Frame: i, Ms: ms))
            .Where(x => !PlumbingFrames.Any(p => names[x.Frame].Contains(p, StringComparison.Ordinal)))
            .OrderByDescending(x => x.Ms).Take(top))
        {
            Console.WriteLine($"| `{Shorten(names[frame])}` | {Pct(ms, working)} |");
        }
        if (locks.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| blocked on a contended lock ({locks.Values.Sum() / 1000:0.0} s of thread time), by caller | s |"));
            Console.WriteLine("|---|---|");
            foreach (var (caller, ms) in locks.OrderByDescending(x => x.Value).Take(5))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{caller}` | {ms / 1000:0.0} |"));
        }
        return 0;
    }

    private static string Shorten(string frame)
    {
        var name = frame.Contains('!', StringComparison.Ordinal) ? frame[(frame.IndexOf('!', StringComparison.Ordinal) + 1)..] : frame;
        var args = name.LastIndexOf('(');
        name = args > 0 ? name[..args] : name;
        return name.Length > 110 ? name[..110] + "…" : name;
    }
}
