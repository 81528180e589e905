using System.Globalization;
using Referrals.Service.Infrastructure;
using Wolverine;
using Wolverine.Runtime;
using Referrals.Service.Correlation;
using Referrals.Service.Messaging;
using Referrals.Service.Observability;

namespace Referrals.Service.Features.Tiers;

/// <summary>
/// Dead-letters a `vip_tier.assigned` on referrals.dlq as the exact bytes Campaign produced (a malformed payload
/// stays replayable as it was), keyed as it came, with the failure in the dlq_* headers of <see cref="DeadLetters"/>
/// plus dlq_reason (the referrals_errors_total error_type). The listener moves on to the next event.
/// </summary>
public static class ParkRejectedTierEvent
{
    public const string ReasonHeader = "dlq_reason";
    public const string OriginalTopicHeader = "original_topic";

    public static async ValueTask ParkAsync(IWolverineRuntime runtime, IEnvelopeLifecycle lifecycle, Exception exception)
    {
        var failed = lifecycle.Envelope ?? throw new InvalidOperationException("no envelope to dead-letter", exception);
        var errorType = exception is RejectedTierEventException rejected ? rejected.ErrorType : "processing_failed";
        var message = exception.Message.Length > 500 ? exception.Message[..500] : exception.Message;
        var clock = runtime.Services.GetRequiredService<TimeProvider>();

        using var scope = runtime.Services.CreateScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        await bus.EndpointFor(new Uri($"kafka://topic/{Topics.DeadLetters}")).SendRawMessageAsync(failed.Data ?? [], typeof(VipTierAssigned), dead =>
        {
            dead.PartitionKey = failed.PartitionKey;
            dead.ContentType = "application/json";
            dead.Headers[KafkaEnvelope.EventTypeHeader] = VipTierAssigned.EventType;
            dead.Headers[OriginalTopicHeader] = Topics.VipTierAssigned;
            dead.Headers[ReasonHeader] = errorType;
            dead.Headers[DeadLetters.ErrorTypeHeader] = exception.GetType().FullName;
            dead.Headers[DeadLetters.ErrorMessageHeader] = message;
            dead.Headers[DeadLetters.AttemptsHeader] = failed.Attempts.ToString(CultureInfo.InvariantCulture);
            dead.Headers[DeadLetters.FirstFailedAtHeader] = DeadLetters.FirstFailedAt(runtime, failed);
            dead.Headers[DeadLetters.FailedAtHeader] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
            dead.Headers[DeadLetters.SourceHeader] = failed.Destination?.ToString();
            if (failed.CorrelationId is { } correlationId)
                dead.Headers[KafkaEnvelope.CorrelationIdHeader] = correlationId;
        });

        runtime.Services.GetRequiredService<ErrorMetrics>().Count(errorType);
        runtime.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ParkRejectedTierEvent))
            .LogWarning("Dead-lettered a vip_tier.assigned ({ErrorType}) after {Attempts} attempt(s): {Reason}",
                errorType, failed.Attempts, message);
        await lifecycle.CompleteAsync();
    }
}
