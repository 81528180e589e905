using System.Diagnostics;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Operations;

/// <summary>
/// deploy/prometheus/alerts.yml through promtool: the rules parse, and every alert's unit tests (firing and not
/// firing) in deploy/prometheus/tests pass. Needs no stack, but runs promtool (scripts/prerequisites.sh installs it),
/// so it is not in the unit tier.
/// </summary>
public sealed class PrometheusRuleTests
{
    private static readonly string PrometheusFolder = Path.Combine(Repository.Root, "deploy", "prometheus");

    [Fact]
    public async Task The_alert_and_recording_rules_pass_promtool_check()
    {
        var (exitCode, output) = await PromtoolAsync(["check", "rules", "alerts.yml"], TestContext.Current.CancellationToken);

        exitCode.ShouldBe(0, output);
    }

    [Fact]
    public async Task Every_alert_fires_and_stays_quiet_as_its_promtool_unit_tests_expect()
    {
        var ruleTests = Directory.GetFiles(Path.Combine(PrometheusFolder, "tests"), "*.yml").Order(StringComparer.Ordinal).ToList();

        var (exitCode, output) = await PromtoolAsync(["test", "rules", .. ruleTests], TestContext.Current.CancellationToken);

        ruleTests.ShouldNotBeEmpty();
        exitCode.ShouldBe(0, output);
    }

    [Fact]
    public async Task Each_alert_has_a_test_that_expects_it_to_fire()
    {
        var rules = await File.ReadAllLinesAsync(Path.Combine(PrometheusFolder, "alerts.yml"), TestContext.Current.CancellationToken);
        var tests = string.Join('\n', Directory.GetFiles(Path.Combine(PrometheusFolder, "tests"), "*.yml").Select(File.ReadAllText));

        var alerts = rules.Select(line => line.Trim()).Where(line => line.StartsWith("- alert: ", StringComparison.Ordinal))
            .Select(line => line["- alert: ".Length..].Trim()).ToList();

        alerts.Count.ShouldBe(8);
        alerts.ShouldAllBe(alert => tests.Contains($"alertname: {alert}\n        exp_alerts:\n          - exp_labels", StringComparison.Ordinal));
        alerts.ShouldAllBe(alert => tests.Contains($"alertname: {alert}\n        exp_alerts: []", StringComparison.Ordinal));
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(IEnumerable<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo("promtool")
        {
            WorkingDirectory = PrometheusFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, $"promtool {string.Join(' ', start.ArgumentList)}:\n{await output}{await errors}");
    }
}
