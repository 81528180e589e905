using Referrals.Service.Caching;
using Referrals.Service.Storage;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime;
using Wolverine.Runtime.Handlers;

namespace Referrals.Service.Features.DeadLetters;

/// <summary>
/// How handlers fail, called from their <c>Configure(HandlerChain)</c>. A handler's own rules come first (Wolverine
/// takes the first rule that matches): what retrying cannot fix (<see cref="ParkAtOnce{TException}"/>) or fixes at
/// once (a concurrency conflict, retried in place); then one of the retry rules below ends the chain.
/// </summary>
public static class ErrorPolicies
{
    /// <summary>
    /// The rule every consumer ends with: any failure is retried after 0.5 s and 2 s (±25 % jitter, so retries of
    /// many messages do not stampede a recovering dependency), then parked (<see cref="ParkDeadLetter"/>): 3 attempts.
    /// The listener goes on with other messages while one waits for its retry. A failed attempt is a Warning; the park
    /// is the Error (<see cref="ParkDeadLetter"/>), so a retry that succeeds pages nobody.
    /// </summary>
    public static void RetryThenPark(HandlerChain chain) =>
        AttemptsFailAsWarnings(chain).OnAnyException()
            .ScheduleRetry(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)).WithBoundedJitter(0.25)
            .And(NoteFirstFailureAsync, "note the first failure")
            .Then.CustomAction(ParkDeadLetter.ParkAsync, "park on referrals.dlq after 3 attempts");

    /// <summary>
    /// <see cref="RetryThenPark"/> for a sequential listener whose partition order is the point (per-shop order of
    /// `vip_tier.assigned`): the same pauses, waited in place, so nothing behind the message overtakes it.
    /// </summary>
    public static void RetryInOrderThenPark(HandlerChain chain) =>
        AttemptsFailAsWarnings(chain).OnAnyException()
            .RetryWithCooldown(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)).WithBoundedJitter(0.25)
            .And(NoteFirstFailureAsync, "note the first failure")
            .Then.CustomAction(ParkDeadLetter.ParkAsync, "park on referrals.dlq after 3 attempts");

    /// <summary>
    /// For legal erasure (purges, Shopify redactions): never given up. Retried at 0.5, 2 and 5 s, then every
    /// 30 s to 10 min until it succeeds; erasure is a duty, not a best effort, so it never becomes a dead letter.
    /// </summary>
    public static void RetryUntilDone(HandlerChain chain) =>
        chain.OnAnyException()
            .RetryWithCooldown(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5))
            .Then.ScheduleRetryIndefinitely(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10));

    /// <summary>
    /// Postgres away (<see cref="StorageOutage"/>) is waited out in place, before the message's other rules: the
    /// handler holds the message until Postgres answers again (<see cref="StorageProbe"/>), then runs it at once, so an
    /// outage of any length neither parks it nor needs the database to schedule a retry. Three outages in a row for
    /// one message park it like any failure that keeps coming back.
    /// </summary>
    public static void WaitOutStorageOutage(HandlerChain chain) =>
        chain.OnException(e => StorageOutage.IsOutage(e), "Postgres away")
            .DoThenRetry(WaitForStorageAsync, 3, "wait until Postgres answers, then retry")
            .Then.CustomAction(ParkDeadLetter.ParkAsync, "park on referrals.dlq after 3 outages");

    /// <summary>What retrying cannot fix (a payload that does not bind, an event naming what does not exist): parked on the first failure.</summary>
    public static void ParkAtOnce<TException>(HandlerChain chain) where TException : Exception =>
        chain.OnException<TException>()
            .CustomAction(ParkDeadLetter.ParkAsync, "park on referrals.dlq without retrying");

    private static async ValueTask WaitForStorageAsync(IWolverineRuntime runtime, IEnvelopeLifecycle lifecycle, Exception exception) =>
        await runtime.Services.GetRequiredService<StorageProbe>().WaitUntilAnswersAsync(runtime.Options.Durability.Cancellation);

    private static HandlerChain AttemptsFailAsWarnings(HandlerChain chain)
    {
        chain.FailureLogLevel = LogLevel.Warning;
        return chain;
    }

    /// <summary>
    /// Notes when the message first failed (<see cref="SharedFirstFailures"/>, for every instance: the retry may run on
    /// another), so its dead letter can tell when the trouble started, not only when the retries gave up.
    /// </summary>
    private static async ValueTask NoteFirstFailureAsync(IWolverineRuntime runtime, IEnvelopeLifecycle lifecycle, Exception exception)
    {
        if (lifecycle.Envelope is { } failed)
            await runtime.Services.GetRequiredService<SharedFirstFailures>().NoteAsync(failed.Id);
    }

    /// <summary>
    /// For work that needs Redis to finish (dropping a cache entry, erasing keys), before the handler's final rule:
    /// while Redis is away (<see cref="RedisBreaker.IsRedisAway"/>: no connection, a timeout, the breaker open) the
    /// message waits in place, retried after 0.5, 1 and 2 s and then every 5 s for about a minute, then is scheduled
    /// again every 30 s for as long as it takes. Redis being away is not the message's fault, so it never makes a dead
    /// letter; an error reply (NOPERM) falls through to the next rule.
    /// </summary>
    public static void RetryWhileRedisAway(HandlerChain chain) =>
        chain.OnException(RedisBreaker.IsRedisAway, "Redis away")
            .RetryWithCooldown([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), .. Enumerable.Repeat(TimeSpan.FromSeconds(5), 11)])
            .Then.ScheduleRetryIndefinitely(TimeSpan.FromSeconds(30));
}
