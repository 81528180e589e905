extern alias service;

using service::Referrals.Service.Operator;

namespace Referrals.Service.Tests.Operator;

[Trait("Tier", "Unit")]
public sealed class ProgressTests
{
    [Fact]
    public async Task The_last_send_is_always_reported()
    {
        var progress = new Progress(3, new Pacer(0));
        using var output = new StringWriter();

        for (var i = 0; i < 3; i++)
            await progress.SentAsync(output);

        progress.Sent.ShouldBe(3);
        output.ToString().TrimEnd().Split(Environment.NewLine)[^1].ShouldStartWith("  sent 3/3 (");
    }

    [Fact]
    public async Task An_interrupted_run_says_how_many_were_sent_and_that_a_rerun_sends_only_the_rest()
    {
        var progress = new Progress(5, new Pacer(0));
        using var output = new StringWriter();
        await progress.SentAsync(output);
        await progress.SentAsync(output);
        output.GetStringBuilder().Clear();

        await progress.DoneAsync(output, interrupted: true);

        output.ToString().ShouldBe("Interrupted: 2 of 5 sent. Run the same command again to send the rest; nothing is sent twice." + Environment.NewLine);
    }
}
