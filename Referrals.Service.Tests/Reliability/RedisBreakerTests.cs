extern alias service;

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using service::Referrals.Service.Caching;
using StackExchange.Redis;

namespace Referrals.Service.Tests.Reliability;

/// <summary>The Redis circuit breaker's decisions: when it skips Redis, when it probes, what counts as Redis away.</summary>
[Trait("Tier", "Unit")]
public sealed class RedisBreakerTests
{
    private static readonly RedisBreakerOptions Options = new(TimeSpan.FromSeconds(30), FailuresToOpen: 3, OpenFor: TimeSpan.FromSeconds(5));

    private readonly ManualClock _clock = new();

    [Fact]
    public async Task Fewer_failures_in_a_row_than_the_threshold_leave_redis_in_use()
    {
        var breaker = Breaker();

        await FailAsync(breaker);
        await FailAsync(breaker);
        await breaker.RunAsync(() => Task.FromResult(true));
        await FailAsync(breaker);
        await FailAsync(breaker);

        breaker.IsOpen.ShouldBeFalse();
        (await breaker.RunAsync(() => Task.FromResult(42))).ShouldBe(42);
    }

    [Fact]
    public async Task After_the_threshold_of_failures_commands_are_skipped_at_once_without_reaching_redis()
    {
        var breaker = Breaker();
        var sent = 0;

        await FailAsync(breaker, 3);
        var skipped = await Should.ThrowAsync<RedisUnavailableException>(() => breaker.RunAsync(() => Task.FromResult(++sent)));

        breaker.IsOpen.ShouldBeTrue();
        skipped.SkippedByBreaker.ShouldBeTrue();
        sent.ShouldBe(0);
    }

    [Fact]
    public async Task Once_the_open_time_is_over_one_probe_goes_through_and_the_others_wait_for_its_answer()
    {
        var breaker = Breaker();
        await FailAsync(breaker, 3);

        _clock.Advance(TimeSpan.FromSeconds(4.9));
        var beforeTheTime = breaker.TryPass();
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        var probe = breaker.TryPass();
        var besideTheProbe = breaker.TryPass();

        beforeTheTime.ShouldBeFalse();
        probe.ShouldBeTrue();
        besideTheProbe.ShouldBeFalse();
    }

    [Fact]
    public async Task A_probe_that_succeeds_closes_the_breaker()
    {
        var breaker = Breaker();
        await FailAsync(breaker, 3);
        _clock.Advance(Options.OpenFor);

        var answer = await breaker.RunAsync(() => Task.FromResult("PONG"));

        answer.ShouldBe("PONG");
        breaker.IsOpen.ShouldBeFalse();
        breaker.TryPass().ShouldBeTrue();
    }

    [Fact]
    public async Task A_probe_that_fails_opens_the_breaker_for_another_open_time()
    {
        var breaker = Breaker();
        await FailAsync(breaker, 3);
        _clock.Advance(Options.OpenFor);

        await FailAsync(breaker);
        _clock.Advance(Options.OpenFor - TimeSpan.FromMilliseconds(1));
        var justBefore = breaker.TryPass();
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        breaker.IsOpen.ShouldBeTrue();
        justBefore.ShouldBeFalse();
        breaker.TryPass().ShouldBeTrue();
    }

    [Fact]
    public async Task A_probe_that_never_reports_lets_another_through_after_the_open_time()
    {
        var breaker = Breaker();
        await FailAsync(breaker, 3);
        _clock.Advance(Options.OpenFor);
        breaker.TryPass().ShouldBeTrue(); // a probe whose caller was cancelled

        _clock.Advance(Options.OpenFor);

        breaker.TryPass().ShouldBeTrue();
    }

    [Fact]
    public async Task An_error_reply_is_redis_answering_and_never_opens_the_breaker()
    {
        var breaker = Breaker();

        for (var i = 0; i < 5; i++)
            await Should.ThrowAsync<RedisServerException>(() =>
                breaker.RunAsync<bool>(() => throw new RedisServerException("NOPERM this user has no permissions to run the 'scan' command")));

        breaker.IsOpen.ShouldBeFalse();
    }

    [Fact]
    public async Task A_timeout_counts_as_redis_away_though_it_is_not_a_redis_exception()
    {
        var breaker = Breaker(Options with { FailuresToOpen = 1 });

        var failure = await Should.ThrowAsync<RedisUnavailableException>(() =>
            breaker.RunAsync<bool>(() => throw new RedisTimeoutException("Timeout awaiting response", CommandStatus.Sent)));

        failure.SkippedByBreaker.ShouldBeFalse();
        failure.InnerException.ShouldBeOfType<RedisTimeoutException>();
        breaker.IsOpen.ShouldBeTrue();
    }

    [Fact]
    public async Task A_connection_torn_down_under_a_command_counts_as_redis_away()
    {
        var breaker = Breaker(Options with { FailuresToOpen = 1 });

        // What SE.Redis throws from its pipe when Redis is killed while a command is being written.
        var failure = await Should.ThrowAsync<RedisUnavailableException>(() =>
            breaker.RunAsync<bool>(() => throw new InvalidOperationException("Writing is not allowed after writer was completed.")));

        failure.InnerException.ShouldBeOfType<InvalidOperationException>();
        breaker.IsOpen.ShouldBeTrue();
    }

    [Fact]
    public async Task A_command_cancelled_under_it_counts_as_redis_away()
    {
        var breaker = Breaker(Options with { FailuresToOpen = 1 });

        // What SE.Redis's ScriptEvaluateAsync threw in the chaos run when Redis was killed mid-command (a 500 before).
        var failure = await Should.ThrowAsync<RedisUnavailableException>(() =>
            breaker.RunAsync<bool>(() => throw new TaskCanceledException("A task was canceled.")));

        failure.InnerException.ShouldBeOfType<TaskCanceledException>();
        breaker.IsOpen.ShouldBeTrue();
    }

    [Fact]
    public async Task A_command_that_outlasts_the_command_timeout_fails_as_redis_away_without_waiting_for_redis()
    {
        var breaker = new RedisBreaker(Options with { CommandTimeout = TimeSpan.FromMilliseconds(50), FailuresToOpen = 1 },
            TimeProvider.System, NullLogger<RedisBreaker>.Instance, new TestMeters());
        var hung = new TaskCompletionSource<bool>();

        var failure = await Should.ThrowAsync<RedisUnavailableException>(() => breaker.RunAsync(() => hung.Task));

        failure.InnerException.ShouldBeOfType<TimeoutException>();
        breaker.IsOpen.ShouldBeTrue();
    }

    [Fact]
    public async Task The_fast_path_answers_its_fallback_when_redis_is_away_or_refuses()
    {
        var breaker = Breaker();

        var away = await breaker.OrElseAsync<string?>(() => throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "no connection"), null);
        var refused = await breaker.OrElseAsync<string?>(() => throw new RedisServerException("WRONGTYPE"), "fallback");
        await FailAsync(breaker, 3);
        var skipped = await breaker.OrElseAsync(() => Task.FromResult("cached"), "from postgres");

        away.ShouldBeNull();
        refused.ShouldBe("fallback");
        skipped.ShouldBe("from postgres");
    }

    [Fact]
    public void Redis_away_is_no_connection_a_timeout_or_the_breaker_open_but_not_an_error_reply()
    {
        RedisBreaker.IsRedisAway(new RedisConnectionException(ConnectionFailureType.SocketFailure, "gone")).ShouldBeTrue();
        RedisBreaker.IsRedisAway(new RedisTimeoutException("Timeout", CommandStatus.Sent)).ShouldBeTrue();
        RedisBreaker.IsRedisAway(new RedisUnavailableException("skipped")).ShouldBeTrue();
        RedisBreaker.IsRedisAway(new RedisServerException("NOPERM")).ShouldBeFalse();
        RedisBreaker.IsRedisAway(new TimeoutException("a database timeout")).ShouldBeFalse();
    }

    [Fact]
    public async Task The_open_gauge_reads_one_while_redis_is_skipped_and_zero_once_it_answers()
    {
        using var meters = new TestMeters();
        var breaker = new RedisBreaker(Options, _clock, NullLogger<RedisBreaker>.Instance, meters);
        var readings = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == RedisBreaker.MetricName && meters.Created(instrument.Meter))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => readings.Add(value));
        listener.Start();

        listener.RecordObservableInstruments();
        await FailAsync(breaker, 3);
        listener.RecordObservableInstruments();
        _clock.Advance(Options.OpenFor);
        await breaker.RunAsync(() => Task.FromResult(true));
        listener.RecordObservableInstruments();

        readings.ShouldBe([0, 1, 0]);
    }

    private RedisBreaker Breaker(RedisBreakerOptions? options = null) =>
        new(options ?? Options, _clock, NullLogger<RedisBreaker>.Instance, new TestMeters());

    private static async Task FailAsync(RedisBreaker breaker, int times = 1)
    {
        for (var i = 0; i < times; i++)
            await Should.ThrowAsync<RedisUnavailableException>(() => breaker.RunAsync<bool>(() =>
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "no connection")));
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 1, 15, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private sealed class TestMeters : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public bool Created(Meter meter) => _meters.Contains(meter);

        public void Dispose() => _meters.ForEach(meter => meter.Dispose());
    }
}
