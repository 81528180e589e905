namespace Referrals.Service.Tests.Runbooks;

/// <summary>The runbooks the plan asks for exist, and each has read-only commands for the safe-commands test to run.</summary>
[Trait("Tier", "Unit")]
public sealed class RunbookShapeTests
{
    [Fact]
    public void Every_failure_the_plan_names_has_a_runbook_with_read_only_commands()
    {
        string[] expected = ["cache-inconsistency.md", "dead-letters.md", "dlq-growth.md", "kafka.md", "postgres.md", "redis.md", "webhooks.md"];

        RunbookBlocks.Runbooks().ShouldBe(expected, ignoreOrder: true);
        foreach (var runbook in expected)
            RunbookBlocks.Of(runbook).Count(block => block.Safe).ShouldBeGreaterThan(0, runbook);
    }

    [Fact]
    public void Safe_commands_name_every_address_through_a_variable_with_the_local_default()
    {
        string[] literalAddresses = ["127.0.0.1:8080", ":5434", "-p 6379", "127.0.0.1:9092", "127.0.0.1:9093"];

        foreach (var block in RunbookBlocks.Safe())
            foreach (var line in block.Script.Split('\n'))
                foreach (var address in literalAddresses.Where(a => line.Contains(a, StringComparison.Ordinal)))
                    line.ShouldContain(":-", customMessage: $"{block.Runbook} block {block.Index}: '{address}' without a ${{VAR:-default}}");
    }
}
