extern alias service;

using System.Text;
using Confluent.Kafka;
using service::Referrals.Service.Features.DeadLetters;
using service::Referrals.Service.Tenancy;

namespace Referrals.Service.Tests.DeadLetters;

[Trait("Tier", "Unit")]
public sealed class DeadLetterRecordTests
{
    private static readonly Guid Shop = Guid.Parse("5f0c6a8e-0000-4000-8000-000000000001");

    [Fact]
    public void A_record_parked_by_a_handler_is_read_from_its_dlq_headers()
    {
        var result = Record(Shop.ToString(), 41,
            ("dlq_id", "dead-1"), ("event_type", "order.created"), ("dlq_error_type", "System.TimeoutException"),
            ("dlq_error_message", "Core did not answer"), ("dlq_first_failed_at", "2026-11-25T02:00:00Z"),
            ("dlq_failed_at", "2026-11-25T02:00:03Z"), ("dlq_reprocessings", "2"));

        var record = DeadLetterRecord.From(result);

        record.ShouldBe(new DeadLetterRecord("dead-1", Shop, "order.created", "System.TimeoutException", "Core did not answer",
            new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 25, 2, 0, 3, TimeSpan.Zero), 2, 1, 41));
    }

    [Fact]
    public void A_record_parked_by_the_native_dead_letter_queue_is_read_from_wolverines_headers()
    {
        var failedAt = new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);
        var result = Record("not-a-shop", 7,
            ("tenant-id", Shop.ToString()), ("exception-type", "Wolverine.Runtime.Serialization.UnknownMessageType"),
            ("exception-message", "no handler"), ("failed-at", failedAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var record = DeadLetterRecord.From(result);

        record.Id.ShouldBe("1-7"); // partition-offset: nothing named it
        record.ShopId.ShouldBe(Shop);
        record.EventType.ShouldBe(DeadLetterRecord.UnknownEventType);
        record.ErrorType.ShouldBe("Wolverine.Runtime.Serialization.UnknownMessageType");
        record.ErrorMessage.ShouldBe("no handler");
        record.FailedAt.ShouldBe(failedAt);
        record.FirstFailedAt.ShouldBe(failedAt);
        record.Reprocessings.ShouldBe(0);
    }

    [Fact]
    public void A_dead_letter_that_failed_three_reprocessings_is_given_up_until_it_is_processed()
    {
        var record = DeadLetterRecord.From(Record(Shop.ToString(), 3, ("dlq_id", "dead-3"), ("dlq_reprocessings", "3")));

        var ledger = record.ToLedger();

        ledger.GaveUp.ShouldBeTrue();
        (ledger with { ReprocessedAt = DateTimeOffset.UnixEpoch }).GaveUp.ShouldBeFalse();
    }

    private static ConsumeResult<byte[]?, byte[]?> Record(string key, long offset, params (string Name, string Value)[] headers)
    {
        var kafkaHeaders = new Headers();
        foreach (var (name, value) in headers)
            kafkaHeaders.Add(name, Encoding.UTF8.GetBytes(value));
        return new ConsumeResult<byte[]?, byte[]?>
        {
            TopicPartitionOffset = new TopicPartitionOffset("referrals.dlq", new Partition(1), new Offset(offset)),
            Message = new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(key),
                Value = "{}"u8.ToArray(),
                Headers = kafkaHeaders,
                Timestamp = new Timestamp(DateTimeOffset.UnixEpoch),
            },
        };
    }
}
