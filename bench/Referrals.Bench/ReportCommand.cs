using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Referrals.Bench;

/// <summary>
/// The issue's table (README, "Performance"): each figure of the scenarios' JSON lines beside the ceiling's from the
/// same run (`../shared/bench-ceiling`'s JSON), the ratio, the target and whether it holds, with the load average the
/// figure was taken under.
/// </summary>
public static class ReportCommand
{
    public static Command Command()
    {
        var ceiling = new Option<string>("--ceiling") { Description = "the ceiling's JSON (run.sh's output, or its last.json)", Required = true };
        var results = new Option<string>("--results") { Description = "the scenarios' JSON lines (--json of webhooks and status)", Required = true };
        var target = new Option<string>("--target") { Description = "dev or shape (the production shape adds its own targets)", DefaultValueFactory = _ => "dev" };
        var command = new Command("report", "the figures beside the ceiling's, with ratios and targets") { ceiling, results, target };
        command.SetAction(parsed => Print(JsonNode.Parse(File.ReadAllText(parsed.GetValue(ceiling)!))!,
            [.. File.ReadLines(parsed.GetValue(results)!).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!)], parsed.GetValue(target) == "shape"));
        return command;
    }

    private sealed record Row(string Figure, string Ceiling, string Project, string Ratio, string Target, bool? Holds, string Load);

    private static int Print(JsonNode ceiling, IReadOnlyList<JsonNode> results, bool shape)
    {
        JsonNode? Ceiling(string scenario, int concurrency) =>
            ceiling[scenario]?.AsArray().FirstOrDefault(s => (int?)s?["concurrency"] == concurrency);
        JsonNode? Result(string figure, Func<JsonNode, bool>? where = null) =>
            results.LastOrDefault(r => (string?)r["figure"] == figure && (where?.Invoke(r) ?? true));
        static double? D(JsonNode? node, string key) => node?[key] is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : null;
        static string F(double? value, string format = "0") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";
        static string Load(JsonNode? r) => r is null ? "—" : $"{F(D(r, "load_average_start"), "0.0")}→{F(D(r, "load_average_end"), "0.0")}";
        static string Pct(double? a, double? b) => a is { } x && b is { } y && y > 0 ? $"{x / y * 100:0} %" : "—";
        static string Times(double? a, double? b) => a is { } x && b is { } y && y > 0 ? $"×{x / y:0.0}" : "—";

        var rows = new List<Row>();
        var hook64 = Ceiling("webhook_orders_create", 64);
        var hook32 = Ceiling("webhook_orders_create", 32);

        var webhook = Result("webhook_closed", r => (int?)r["concurrency"] == 64) ?? Result("webhook_closed");
        if (webhook is not null)
        {
            double? tput = D(webhook, "webhook_per_s"), p99 = D(webhook, "webhook_p99_ms");
            double? cTput = D(hook64, "ops_per_s"), cP99 = D(hook64, "p99_ms");
            rows.Add(new Row($"webhook answered 200, c={F(D(webhook, "concurrency"))} ({F(D(webhook, "orders"))} orders)",
                $"{F(cTput)}/s, p99 {F(cP99)} ms", $"{F(tput)}/s, p99 {F(p99)} ms", $"{Pct(tput, cTput)}, p99 {Times(p99, cP99)}",
                "≥ 50 %, p99 ≤ ×2", tput >= 0.5 * cTput && p99 <= 2 * cP99, Load(webhook)));
        }

        var conversions = Result("conversions_open");
        if (conversions is not null)
        {
            double? rate = D(conversions, "rate"), p99 = D(conversions, "accept_to_event_p99_ms"), cTput = D(hook64, "ops_per_s");
            var orders = D(conversions, "orders");
            var read = D(conversions, "events_read");
            var pending = D(conversions, "pending_at_window_end");
            // "Nothing queued at the end": every order answered 200 and converted, and when the window ended no more were
            // waiting than arrive in one second (the p99 budget).
            var drained = read == orders && pending <= rate;
            rows.Add(new Row($"conversions open loop, {F(rate)}/s × {F(D(conversions, "duration_s"))} s",
                $"{F(cTput)}/s (synchronous)",
                $"{F(read)}/{F(orders)} converted, accept → event p50 {F(D(conversions, "accept_to_event_p50_ms"))} ms, p99 {F(p99)} ms; " +
                $"{F(pending)} queued at the end, {F(D(conversions, "dropped"))} dropped, {F(D(conversions, "late"))} late; webhook p99 {F(D(conversions, "webhook_p99_ms"))} ms",
                $"rate {Pct(rate, cTput)}", "rate ≥ 50 %, p99 ≤ 1 s, drained",
                rate >= 0.5 * cTput && p99 <= 1000 && drained, Load(conversions)));
            if (shape)
            {
                rows.Add(new Row("production shape: conversions/s, webhook p99", "—",
                    $"{F(rate)}/s offered, {F(read)}/{F(orders)} converted, webhook p99 {F(D(conversions, "webhook_p99_ms"))} ms", "—",
                    "≥ 200/s, webhook p99 < 200 ms", rate >= 200 && drained && D(conversions, "webhook_p99_ms") < 200, Load(conversions)));
            }
        }

        var cpuSource = conversions ?? webhook;
        if (cpuSource is not null)
        {
            var cpu = D(cpuSource, "service_cpu_ms_per_op");
            double? low = new[] { D(hook32, "server_cpu_ms_per_op"), D(hook64, "server_cpu_ms_per_op") }.Min(),
                high = new[] { D(hook32, "server_cpu_ms_per_op"), D(hook64, "server_cpu_ms_per_op") }.Max();
            rows.Add(new Row($"service CPU per order (accept + convert, {(cpuSource == conversions ? "open loop" : "closed loop")})",
                $"{F(low, "0.00")}–{F(high, "0.00")} ms", $"{F(cpu, "0.00")} ms" + (cpuSource == conversions && webhook is not null ? $" (closed loop c=64: {F(D(webhook, "service_cpu_ms_per_op"), "0.00")} ms)" : ""),
                $"{Times(cpu, high)}–{Times(cpu, low)}", "≤ 2 ms", cpu <= 2, Load(cpuSource)));
        }

        foreach (var (figure, concurrency, name, share, p99Factor) in new[]
        {
            ("status_cached", 64, "GetReferralStatus cached", 0.60, 2.0),
            ("status_cached", 256, "GetReferralStatus cached", double.NaN, double.NaN),
            ("status_uncached", 64, "uncached (Postgres, RLS)", 0.25, double.NaN),
        })
        {
            var status = Result(figure, r => (int?)r["concurrency"] == concurrency);
            if (status is null)
                continue;
            var grpc = Ceiling("grpc_get_status", concurrency);
            double? tput = D(status, "per_s"), p99 = D(status, "p99_ms"), cTput = D(grpc, "ops_per_s"), cP99 = D(grpc, "p99_ms");
            var target = double.IsNaN(share) ? "—" : $"≥ {share * 100:0} %" + (double.IsNaN(p99Factor) ? "" : $", p99 ≤ ×{p99Factor:0}");
            bool? holds = double.IsNaN(share) ? null : tput >= share * cTput && (double.IsNaN(p99Factor) || p99 <= p99Factor * cP99);
            rows.Add(new Row($"{name}, c={concurrency}", $"{F(cTput)}/s, p99 {F(cP99, "0.0")} ms (cached)",
                $"{F(tput)}/s, p99 {F(p99, "0.0")} ms, {F(D(status, "service_cpu_ms_per_op"), "0.000")} ms CPU/read",
                $"{Pct(tput, cTput)}, p99 {Times(p99, cP99)}", target, holds, Load(status)));
        }

        if (Result("idle") is { } idle)
        {
            rows.Add(new Row($"service CPU idle (nothing sent, {F(D(idle, "seconds"))} s, {F(D(idle, "processes"))} process(es))", "—",
                $"{F(D(idle, "service_cpu_ms_per_s"), "0.0")} ms CPU per second", "—", "—", null, Load(idle)));
        }

        var ceilingRss = ceiling["webhook_orders_create"]!.AsArray().Concat(ceiling["grpc_get_status"]!.AsArray())
            .Select(s => D(s, "server_peak_rss_mb")).OfType<double>().DefaultIfEmpty().Max();
        var peaks = results.Select(r => (Figure: (string)r["figure"]!, Peaks: r["service_peak_rss_mb"]?.AsArray().Select(p => (double)p!).ToList() ?? []))
            .Where(r => r.Peaks.Count > 0).ToList();
        if (peaks.Count > 0)
        {
            var peak = peaks.Max(p => p.Peaks.Max());
            var where = string.Join(", ", peaks.GroupBy(p => p.Figure).Select(g => $"{g.Key} {string.Join("/", g.Last().Peaks.Select(m => F(m)))}"));
            rows.Add(new Row("service peak RSS (MiB, per instance)", $"{F(ceilingRss)} MB", $"{F(peak)} ({where})", Times(peak, ceilingRss),
                shape ? "≤ ×2, each ≤ 400 MiB" : "≤ ×2", peak <= 2 * ceilingRss && (!shape || peak <= 400), "—"));
        }

        Console.WriteLine($"ceiling: {ceiling["machine"]?["utc"]}, time factor {ceiling["setup"]?["time_factor"]}; project target: {(shape ? "production shape (2 × 0.5 CPU / 512 MiB)" : "dev stack (Release, rate limits lifted)")}");
        Console.WriteLine();
        Console.WriteLine("| figure | ceiling | project | ratio | target | holds | load avg |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var row in rows)
            Console.WriteLine($"| {row.Figure} | {row.Ceiling} | {row.Project} | {row.Ratio} | {row.Target} | {row.Holds switch { true => "pass", false => "FAIL", null => "—" }} | {row.Load} |");
        return 0;
    }
}
