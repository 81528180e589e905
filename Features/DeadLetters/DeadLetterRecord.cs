using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Referrals.Service.Messaging;

namespace Referrals.Service.Features.DeadLetters;

/// <summary>
/// One record of referrals.dlq, read from its headers whichever way it was parked: by a handler
/// (<see cref="ParkDeadLetter"/>: the dlq_* headers of <see cref="DeadLetterHeaders"/>) or by Wolverine's native
/// dead-letter queue (exception-type, failed-at).
/// </summary>
public sealed record DeadLetterRecord(
    string Id,
    Guid? ShopId,
    string EventType,
    string ErrorType,
    string ErrorMessage,
    DateTimeOffset FirstFailedAt,
    DateTimeOffset FailedAt,
    int Reprocessings,
    int Partition,
    long Offset)
{
    public const string UnknownEventType = "unknown";

    public static DeadLetterRecord From(ConsumeResult<byte[]?, byte[]?> result)
    {
        var headers = (result.Message.Headers ?? []).GroupBy(h => h.Key)
            .ToDictionary(g => g.Key, g => Encoding.UTF8.GetString(g.Last().GetValueBytes() ?? []), StringComparer.Ordinal);
        var key = result.Message.Key is { } keyBytes ? Encoding.UTF8.GetString(keyBytes) : null;
        var failedAt = Time(headers.GetValueOrDefault(DeadLetterHeaders.FailedAtHeader))
            ?? UnixMilliseconds(headers.GetValueOrDefault(DeadLetterHeaders.NativeFailedAtHeader))
            ?? result.Message.Timestamp.UtcDateTime;

        return new DeadLetterRecord(
            headers.GetValueOrDefault(DeadLetterHeaders.IdHeader) ?? $"{result.Partition.Value}-{result.Offset.Value}",
            Guid.TryParse(key, out var shop) || Guid.TryParse(headers.GetValueOrDefault("tenant-id"), out shop) ? shop : null,
            headers.GetValueOrDefault(KafkaEnvelope.EventTypeHeader) ?? UnknownEventType,
            headers.GetValueOrDefault(DeadLetterHeaders.ErrorTypeHeader) ?? headers.GetValueOrDefault(DeadLetterHeaders.NativeErrorTypeHeader) ?? "unknown",
            DeadLetterHeaders.Truncate(headers.GetValueOrDefault(DeadLetterHeaders.ErrorMessageHeader)
                ?? headers.GetValueOrDefault(DeadLetterHeaders.NativeErrorMessageHeader) ?? ""),
            Time(headers.GetValueOrDefault(DeadLetterHeaders.FirstFailedAtHeader)) ?? failedAt,
            failedAt,
            int.TryParse(headers.GetValueOrDefault(DeadLetterHeaders.ReprocessingsHeader), CultureInfo.InvariantCulture, out var count) ? count : 0,
            result.Partition.Value,
            result.Offset.Value);
    }

    public DeadLetter ToLedger() => new(Id, ShopId, EventType, ErrorType, ErrorMessage, FirstFailedAt, FailedAt, Reprocessings, Partition, Offset);

    private static DateTimeOffset? Time(string? iso) =>
        DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUniversalTime() : null;

    private static DateTimeOffset? UnixMilliseconds(string? text) =>
        long.TryParse(text, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
