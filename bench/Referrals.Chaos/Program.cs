using System.CommandLine;
using Referrals.Chaos;

// bash bench/chaos/run.sh [options]: starts its own stack (two instances), runs the chaos run, prints one table.
var orders = new Option<int>("--orders") { Description = "orders to send", DefaultValueFactory = _ => 10_000 };
var rate = new Option<double>("--rate") { Description = "orders sent per second", DefaultValueFactory = _ => 100 };
var schedule = new Option<string>("--schedule") { Description = "faults: once (each kind once), repeat (cycle for the whole run), none", DefaultValueFactory = _ => "repeat" };
schedule.AcceptOnlyFromAmong(FaultSchedule.Names);
var faultSeconds = new Option<double>("--fault-seconds") { Description = "how long each fault lasts", DefaultValueFactory = _ => 5 };
var seed = new Option<int>("--seed") { Description = "seed of the order mix and the tier stream", DefaultValueFactory = _ => 15 };
var log = new Option<string>("--stack-log") { Description = "where every resource's output goes", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "referrals-chaos-stack.log") };
var root = new RootCommand("Chaos run of the Referrals Service: orders, tier events and faults; proves nothing lost, nothing duplicated")
{
    orders, rate, schedule, faultSeconds, seed, log,
};
root.SetAction(async (parsed, ct) =>
{
    var options = new ChaosOptions
    {
        Orders = parsed.GetValue(orders),
        OrdersPerSecond = parsed.GetValue(rate),
        Schedule = parsed.GetValue(schedule)!,
        FaultLength = TimeSpan.FromSeconds(parsed.GetValue(faultSeconds)),
        Seed = parsed.GetValue(seed),
    };
    Console.WriteLine($"starting the stack (resource output: {parsed.GetValue(log)})");
    await using var host = await ChaosHost.StartAsync(parsed.GetValue(log)!, ct);
    var report = await ChaosRun.ExecuteAsync(host.Target, options, Console.Out, ct);
    Console.WriteLine();
    Console.Write(report);
    return report.Passed ? 0 : 1;
});
return await root.Parse(args).InvokeAsync();
