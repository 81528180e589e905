using Wolverine;
using Wolverine.Runtime;
using Referrals.Service.Messaging;
using Referrals.Service.Observability;
using Referrals.Service.Storage;

namespace Referrals.Service.Features.DeadLetters;

/// <summary>
/// The one way a handler parks a message that failed for good on `referrals.dlq`, through the durable outbox,
/// then settles it. The dead letter is the message as it arrived or was queued, byte for byte (a malformed or empty
/// payload stays replayable as it was), keyed as it came (shop_id), with its headers and the failure added
/// (<see cref="DeadLetterHeaders"/>). It is counted in <c>referrals_errors_total</c> under its
/// <see cref="DeadLetterHeaders.ErrorTypeOf">error type</see>. Replaying a dead letter means putting it back on
/// `referrals.replay` as it is. Used through <see cref="ErrorPolicies"/>.
/// A message is settled only once its dead letter is in the outbox: while parking fails (Postgres away) it is tried
/// again with growing pauses, and a shutdown in between leaves the message unsettled in the durable inbox, to be
/// handled again. What the outbox refuses otherwise (an empty payload) is produced straight to the topic
/// (<see cref="DirectDeadLetters"/>).
/// </summary>
public static class ParkDeadLetter
{
    private static readonly Uri DeadLetterTopic = new($"kafka://topic/{Topics.DeadLetters}");
    private static readonly TimeSpan[] PausesBetweenTries = [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    public static async ValueTask ParkAsync(IWolverineRuntime runtime, IEnvelopeLifecycle lifecycle, Exception exception)
    {
        var failed = lifecycle.Envelope ?? throw new InvalidOperationException("no envelope to dead-letter", exception);
        var services = runtime.Services;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ParkDeadLetter));
        var firstFailedAt = await services.GetRequiredService<SharedFirstFailures>().TakeAsync(failed.Id);
        var headers = DeadLetterHeaders.For(failed, exception, firstFailedAt, services.GetRequiredService<TimeProvider>().GetUtcNow());

        // The outbox does not carry an empty payload, nor what it refuses for any reason but Postgres being away.
        var direct = failed.Data is not { Length: > 0 };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (direct)
                    await services.GetRequiredService<DirectDeadLetters>().ParkAsync(failed, headers, runtime.Options.Durability.Cancellation);
                else
                    await SendAsync(services, failed, headers);
                break;
            }
            catch (Exception e) when (!runtime.Options.Durability.Cancellation.IsCancellationRequested)
            {
                direct |= !StorageOutage.IsOutage(e);
                var pause = PausesBetweenTries[Math.Min(attempt, PausesBetweenTries.Length - 1)];
                logger.LogWarning("Parking {MessageType} failed ({Reason}); trying again in {Pause}", failed.MessageType, e.Message, pause);
                await Task.Delay(pause, runtime.Options.Durability.Cancellation);
            }
        }

        var errorType = DeadLetterHeaders.ErrorTypeOf(exception);
        services.GetRequiredService<ErrorMetrics>().Count(errorType);
        // A failure that names itself is bad input, expected and counted; anything else is an error worth its stack.
        if (exception is IHasErrorType)
            logger.LogWarning("Dead-lettered {MessageType} ({ErrorType}) after {Attempts} attempt(s): {Reason}",
                failed.MessageType, errorType, failed.Attempts, headers[DeadLetterHeaders.ErrorMessageHeader]);
        else
            logger.LogError(exception, "Dead-lettered {MessageType} for shop {ShopId} after {Attempts} attempt(s)",
                failed.MessageType, failed.TenantId, failed.Attempts);
        await lifecycle.CompleteAsync();
    }

    private static async Task SendAsync(IServiceProvider services, Envelope failed, IReadOnlyDictionary<string, string?> headers)
    {
        using var scope = services.CreateScope();
        var deadLetters = scope.ServiceProvider.GetRequiredService<IMessageBus>().EndpointFor(DeadLetterTopic);
        await deadLetters.SendRawMessageAsync(failed.Data ?? [], failed.Message?.GetType(), dead =>
        {
            dead.MessageType ??= failed.MessageType;
            dead.TenantId = failed.TenantId;
            dead.PartitionKey = failed.PartitionKey ?? failed.TenantId;
            dead.ContentType = failed.ContentType ?? "application/json";
            foreach (var (name, value) in headers)
                dead.Headers[name] = value;
        });
    }
}
