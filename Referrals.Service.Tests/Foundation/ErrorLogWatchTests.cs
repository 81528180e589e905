using Microsoft.Extensions.Logging;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Foundation;

/// <summary>What the fixture takes for a resource's error, and when a declared expectation covers it.</summary>
[Trait("Tier", "Unit")]
public sealed class ErrorLogWatchTests
{
    private const string Read = "2026-12-01T09:05:14.2970000Z ";
    private static readonly TimeSpan LateLogs = TimeSpan.FromSeconds(20);

    private readonly ManualClock _clock = new();
    private readonly ErrorLogWatch _watch;

    public ErrorLogWatchTests() => _watch = new ErrorLogWatch(_clock, LateLogs);

    [Theory]
    [InlineData("referrals", false, """{"level":"error","category":"Referrals.Service.Features.DeadLetters.ParkDeadLetter","message":"Dead-lettered ConvertOrder"}""")]
    [InlineData("referrals", false, """{"level":"critical","category":"Microsoft.Hosting.Lifetime","message":"the host crashed"}""")]
    [InlineData("referrals", true, "%3|1796115962.798|ERROR|referrals-service#producer-1| [thrd:127.0.0.1:38313/1]: 1/1 brokers are down")]
    [InlineData("referrals", true, "Unhandled exception. System.InvalidOperationException: boom")]
    [InlineData("core-stub", false, "09:04:52 \u001b[41m\u001b[30mfail\u001b[39m\u001b[22m\u001b[49m: Referrals.DevStubs.Core[0] GetCustomer failed")]
    [InlineData("kafka-broker", false, "crit: KafkaDevBroker[0]")]
    [InlineData("postgres", true, "2026-12-01 09:06:06.174 UTC [4735] PANIC:  could not write to file")]
    public void An_error_entry_of_a_resource_is_unexpected_until_a_test_declares_it(string resource, bool stderr, string line)
    {
        Log(resource, stderr, line);

        _watch.Unexpected().ShouldHaveSingleItem().Resource.ShouldBe(resource);
    }

    [Theory]
    [InlineData("referrals", false, """{"level":"warn","category":"Wolverine","message":"slow"}""")]
    [InlineData("referrals", false, """{"level":"info","category":"Wolverine","message":"Error handling policy applied"}""")]
    [InlineData("referrals", true, "%6|1796115962.798|FAIL|referrals-service#producer-1| [thrd:127.0.0.1:38313/1]: Disconnected")]
    [InlineData("referrals", true, "[sys] Failed to stop run: Error = timed out waiting for process to stop")]
    [InlineData("referrals", true, "Error executing command 'stop'.")]
    [InlineData("auth-stub", false, "09:04:52 warn: Referrals.DevStubs.Auth[0] a DEVELOPMENT/TEST stub")]
    [InlineData("postgres", true, "2026-12-01 09:06:06.174 UTC [6226] FATAL:  terminating connection due to administrator command")]
    [InlineData("postgres", true, "2026-12-01 09:06:06.174 UTC [6226] ERROR:  permission denied for table mt_doc_referral")]
    [InlineData("redis-server", true, "4705:M 01 Dec 2026 09:04:48.823 # WARNING Memory overcommit must be enabled!")]
    public void A_line_that_is_not_an_error_of_the_resource_is_not_judged(string resource, bool stderr, string line)
    {
        Log(resource, stderr, line);

        _watch.Unexpected().ShouldBeEmpty();
    }

    [Fact]
    public void An_error_containing_a_declared_fragment_is_expected_while_the_declaration_lasts()
    {
        using (_watch.Expect(["Dead-lettered ConvertOrder"]))
            Log("referrals", false, """{"level":"error","category":"DeadLetters","message":"Dead-lettered ConvertOrder for shop x"}""");

        var unexpected = _watch.Unexpected();

        unexpected.ShouldBeEmpty();
    }

    [Fact]
    public void A_declaration_covers_only_the_errors_that_contain_its_fragment()
    {
        using (_watch.Expect(["Dead-lettered ConvertOrder"]))
            Log("referrals", false, """{"level":"error","category":"Marten","message":"permission denied"}""");

        var unexpected = _watch.Unexpected();

        unexpected.ShouldHaveSingleItem().Text.ShouldBe("Marten: permission denied");
    }

    [Fact]
    public void A_declaration_still_covers_errors_forwarded_shortly_after_its_test_but_not_later()
    {
        using (_watch.Expect(["1/1 brokers are down"]))
            _clock.Advance(TimeSpan.FromSeconds(1));
        _clock.Advance(LateLogs - TimeSpan.FromSeconds(1));
        Log("referrals", true, "%3|1|ERROR|producer-1| [thrd:app]: 1/1 brokers are down");
        _clock.Advance(TimeSpan.FromSeconds(2));
        Log("referrals", true, "%3|2|ERROR|producer-1| [thrd:app]: 1/1 brokers are down");

        var unexpected = _watch.Unexpected();

        unexpected.ShouldHaveSingleItem().Text.ShouldStartWith("%3|2|");
    }

    [Fact]
    public void The_indented_lines_below_a_console_error_entry_belong_to_it()
    {
        Log("kafka-broker", false, "fail: KafkaDevBroker[0]");
        Log("kafka-broker", false, "      the mock cluster refused topic x");
        Log("kafka-broker", false, "info: KafkaDevBroker[0]");

        var unexpected = _watch.Unexpected();

        unexpected.ShouldHaveSingleItem().Text.ShouldBe("fail: KafkaDevBroker[0] the mock cluster refused topic x");
    }

    [Fact]
    public void The_failure_names_the_resource_the_running_test_and_the_line()
    {
        ErrorLogWatch.RunningTest = "OrderWebhookTests.A_test";
        Log("referrals", false, """{"level":"error","category":"Grpc","message":"Error when executing service method","exception":"System.Exception: boom"}""");
        ErrorLogWatch.RunningTest = null;

        var message = ErrorLogWatch.Describe(_watch.Unexpected());

        message.ShouldContain("- referrals during OrderWebhookTests.A_test: Grpc: Error when executing service method System.Exception: boom");
    }

    [Fact]
    public void An_unexpected_error_is_named_once_by_the_test_it_arrived_in_and_the_others_when_the_stack_stops()
    {
        ErrorLogWatch.RunningTest = "OrderWebhookTests.A_test";
        Log("referrals", false, """{"level":"error","category":"Grpc","message":"during the test"}""");
        ErrorLogWatch.RunningTest = null;
        Log("referrals", false, """{"level":"error","category":"Grpc","message":"between tests"}""");

        var ofTheTest = _watch.TakeUnexpected("OrderWebhookTests.A_test");
        var ofTheRun = _watch.TakeUnexpected(test: null);

        ofTheTest.ShouldHaveSingleItem().Text.ShouldBe("Grpc: during the test");
        ofTheRun.ShouldHaveSingleItem().Text.ShouldBe("Grpc: between tests");
    }

    private void Log(string resource, bool stderr, string line) =>
        _watch.CreateLogger($"Referrals.AppHost.Resources.{resource}")
            .Log(stderr ? LogLevel.Error : LogLevel.Information, "{LineNumber}: {LineContent}", 1, Read + line);

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
