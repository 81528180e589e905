using System.CommandLine;
using Referrals.Bench;

// One command per scenario: `dotnet run -c Release --project bench/Referrals.Bench -- <scenario> [options]`.
var root = new RootCommand("Referrals Service benchmarks, against a running stack (bash scripts/run-stack.sh)")
{
    StatusScenario.Command(),
    WebhookScenario.Command(),
    ReportCommand.Command(),
    ProfileCommand.Command(),
    IdleCommand.Command(),
};
return await root.Parse(args).InvokeAsync();
