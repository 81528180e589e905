extern alias service;

using service::Referrals.Service.Features.DeadLetters;

namespace Referrals.Service.Tests.DeadLetters;

[Trait("Tier", "Unit")]
public sealed class FirstFailuresTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void A_noted_failure_is_taken_once_and_then_forgotten()
    {
        var failures = new FirstFailures(_clock, capacity: 10);
        var message = Guid.NewGuid();
        var failedAt = _clock.GetUtcNow();

        failures.Note(message);
        var first = failures.Take(message);
        var second = failures.Take(message);

        first.ShouldBe(failedAt);
        second.ShouldBeNull();
        failures.Count.ShouldBe(0);
    }

    [Fact]
    public void A_later_failure_of_the_same_message_keeps_the_first_failure_time()
    {
        var failures = new FirstFailures(_clock, capacity: 10);
        var message = Guid.NewGuid();
        var firstFailure = _clock.GetUtcNow();

        failures.Note(message);
        _clock.Advance(TimeSpan.FromSeconds(2));
        failures.Note(message);

        failures.Take(message).ShouldBe(firstFailure);
    }

    [Fact]
    public void A_message_that_was_never_noted_has_no_first_failure()
    {
        var failures = new FirstFailures(_clock, capacity: 10);

        failures.Take(Guid.NewGuid()).ShouldBeNull();
    }

    [Fact]
    public void Past_its_capacity_the_oldest_note_is_evicted_first()
    {
        var failures = new FirstFailures(_clock, capacity: 3);
        var messages = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToList();

        foreach (var message in messages)
        {
            failures.Note(message);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        failures.Count.ShouldBe(3);
        failures.Take(messages[0]).ShouldBeNull();
        messages.Skip(1).ShouldAllBe(message => failures.Take(message) != null);
    }

    [Fact]
    public void Taking_a_note_makes_room_so_nothing_else_is_evicted()
    {
        var failures = new FirstFailures(_clock, capacity: 2);
        var (parked, waiting, next) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        failures.Note(parked);
        failures.Note(waiting);
        failures.Take(parked);
        failures.Note(next);

        failures.Take(waiting).ShouldNotBeNull();
        failures.Take(next).ShouldNotBeNull();
    }

    [Fact]
    public void A_storm_of_failures_never_holds_more_than_the_capacity()
    {
        var failures = new FirstFailures(_clock, capacity: 100);

        for (var i = 0; i < 50_000; i++)
            failures.Note(Guid.NewGuid());

        failures.Count.ShouldBe(100);
    }

    [Fact]
    public void A_note_older_than_an_hour_is_forgotten_once_another_failure_is_noted()
    {
        var failures = new FirstFailures(_clock, capacity: 10);
        var retriedFine = Guid.NewGuid();

        failures.Note(retriedFine);
        _clock.Advance(TimeSpan.FromMinutes(61));
        failures.Note(Guid.NewGuid());

        failures.Take(retriedFine).ShouldBeNull();
        failures.Count.ShouldBe(1);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
