using System.Globalization;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Replay;

namespace Referrals.Service.Tests.DeadLetters;

/// <summary>Dead letters of ConvertOrder deliveries as the service parks them on referrals.dlq.</summary>
public static class DeadLetterRecords
{
    /// <summary>A ConvertOrder parked on referrals.dlq at <paramref name="failedAt"/>, as the service parks one.</summary>
    public static RawRecord DeadLetter(Guid shop, string dlqId, DateTimeOffset failedAt, string eventType = "order.created") =>
        ReplayMessages.ConvertOrder(shop, Guid.NewGuid().ToString(), null,
            ("dlq_id", dlqId),
            ("dlq_error_type", "Referrals.Service.Clients.CoreUnavailableException"),
            ("dlq_error_message", "the Core service did not answer (Unavailable)"),
            ("dlq_attempts", "3"),
            ("dlq_first_failed_at", failedAt.ToString("O", CultureInfo.InvariantCulture)),
            ("dlq_failed_at", failedAt.ToString("O", CultureInfo.InvariantCulture))) is var record
            ? record with { Headers = [.. record.Headers.Where(h => h.Name != "event_type"), ("event_type", System.Text.Encoding.UTF8.GetBytes(eventType))] }
            : throw new InvalidOperationException();

    /// <summary>A one-hour window far from now that no other test uses, so a filter sees only this test's dead letters.</summary>
    public static DateTimeOffset PrivateHour() =>
        new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(Random.Shared.Next(0, 24 * 365 * 5));
}
