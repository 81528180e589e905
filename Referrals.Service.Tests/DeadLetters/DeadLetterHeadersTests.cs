extern alias service;

using service::Referrals.Service.Features.DeadLetters;
using Wolverine;
using service::Referrals.Service.Correlation;

namespace Referrals.Service.Tests.DeadLetters;

[Trait("Tier", "Unit")]
public sealed class DeadLetterHeadersTests
{
    private static readonly DateTimeOffset FirstFailure = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = FirstFailure.AddSeconds(3);

    [Fact]
    public void A_dead_letter_keeps_the_messages_headers_and_adds_its_failure()
    {
        var failed = Failed(new Uri("local://conversions/"), ("event_type", "order.created"), ("schema_version", "1.0.0"));
        failed.CorrelationId = "corr-1";

        var headers = DeadLetterHeaders.For(failed, new TimeoutException("Core did not answer"), FirstFailure, Now);

        headers["event_type"].ShouldBe("order.created");
        headers["schema_version"].ShouldBe("1.0.0");
        headers["correlation_id"].ShouldBe("corr-1");
        headers["dlq_id"].ShouldBe(failed.Id.ToString());
        headers["dlq_error_type"].ShouldBe("System.TimeoutException");
        headers["dlq_error_message"].ShouldBe("Core did not answer");
        headers["dlq_attempts"].ShouldBe("3");
        headers["dlq_first_failed_at"].ShouldBe("2026-11-25T02:00:00.0000000+00:00");
        headers["dlq_failed_at"].ShouldBe("2026-11-25T02:00:03.0000000+00:00");
        headers["dlq_source"].ShouldBe("local://conversions/");
        headers.ShouldNotContainKey("dlq_reprocessings");
    }

    [Fact]
    public void A_failure_that_names_its_error_type_is_parked_with_it_as_its_reason()
    {
        var failed = Failed(new Uri("kafka://topic/vip_tier.assigned"));

        var headers = DeadLetterHeaders.For(failed, new NamedFailure("unknown_tier"), FirstFailure, Now);

        headers["dlq_reason"].ShouldBe("unknown_tier");
        DeadLetterHeaders.ErrorTypeOf(new NamedFailure("unknown_tier")).ShouldBe("unknown_tier");
    }

    [Fact]
    public void Any_other_failure_is_parked_as_dead_lettered()
    {
        var headers = DeadLetterHeaders.For(Failed(new Uri("local://conversions/")), new InvalidOperationException("boom"), null, Now);

        headers["dlq_reason"].ShouldBe("dead_lettered");
    }

    [Fact]
    public void An_event_of_another_service_is_parked_with_its_topic_as_event_type_and_original_topic()
    {
        var headers = DeadLetterHeaders.For(Failed(new Uri("kafka://topic/vip_tier.assigned")), new NamedFailure("missing_fields"), null, Now);

        headers["event_type"].ShouldBe("vip_tier.assigned");
        headers["original_topic"].ShouldBe("vip_tier.assigned");
        headers["dlq_first_failed_at"].ShouldBe(headers["dlq_failed_at"]); // nothing noted: the park time
    }

    [Fact]
    public void A_webhook_keeps_the_original_topic_it_was_queued_with()
    {
        var failed = Failed(new Uri("local://conversions/"), ("original_topic", "shopify:orders/create"));

        var headers = DeadLetterHeaders.For(failed, new TimeoutException(), FirstFailure, Now);

        headers["original_topic"].ShouldBe("shopify:orders/create");
    }

    [Fact]
    public void A_dead_letter_failing_again_on_the_replay_topic_keeps_its_identity_first_failure_and_origin()
    {
        var failed = Failed(new Uri("kafka://topic/referrals.replay"),
            ("dlq_id", "dead-1"), ("dlq_first_failed_at", "2026-11-24T23:00:00.0000000+00:00"), ("dlq_reprocessings", "1"),
            ("event_type", "vip_tier.assigned"), ("original_topic", "vip_tier.assigned"));

        var headers = DeadLetterHeaders.For(failed, new TimeoutException(), FirstFailure, Now);

        headers["dlq_id"].ShouldBe("dead-1");
        headers["dlq_first_failed_at"].ShouldBe("2026-11-24T23:00:00.0000000+00:00");
        headers["dlq_reprocessings"].ShouldBe("1");
        headers["original_topic"].ShouldBe("vip_tier.assigned");
        headers["event_type"].ShouldBe("vip_tier.assigned");
        headers["dlq_source"].ShouldBe("kafka://topic/referrals.replay");
    }

    [Fact]
    public void A_record_of_the_replay_topic_is_never_given_the_replay_topic_as_its_origin()
    {
        var headers = DeadLetterHeaders.For(Failed(new Uri("kafka://topic/referrals.replay")), new TimeoutException(), null, Now);

        headers.ShouldNotContainKey("original_topic");
        headers.ShouldNotContainKey("event_type");
    }

    [Fact]
    public void A_long_error_message_is_cut_to_500_characters()
    {
        var headers = DeadLetterHeaders.For(Failed(new Uri("local://conversions/")), new TimeoutException(new string('x', 2_000)), null, Now);

        headers["dlq_error_message"]!.Length.ShouldBe(500);
    }

    private static Envelope Failed(Uri source, params (string Name, string Value)[] headers)
    {
        var envelope = new Envelope { Id = Guid.NewGuid(), Destination = source, Attempts = 3 };
        foreach (var (name, value) in headers)
            envelope.Headers[name] = value;
        return envelope;
    }

    private sealed class NamedFailure(string errorType) : Exception("named"), IHasErrorType
    {
        public string ErrorType { get; } = errorType;
    }
}
