extern alias service;

using service::Referrals.Service.Operator;
using service::Referrals.Service.Tenancy;

namespace Referrals.Service.Tests.Operator;

[Trait("Tier", "Unit")]
public sealed class EventFilterTests
{
    private static readonly string[] Known = ["order.created", "referral.task"];
    private static readonly Guid Shop = Guid.Parse("5f0c6a8e-0000-4000-8000-000000000001");
    private static readonly DateTimeOffset From = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_filter_matches_its_shop_and_type_from_its_start_up_to_but_not_including_its_end()
    {
        var (filter, errors) = EventFilter.Parse(Shop.ToString(), "order.created", "2026-11-25T02:00:00Z", "2026-11-25T03:00:00Z", Known);

        errors.ShouldBeEmpty();
        filter!.Matches(Shop, "order.created", From).ShouldBeTrue();
        filter.Matches(Shop, "order.created", From.AddMinutes(59)).ShouldBeTrue();
        filter.Matches(Shop, "order.created", From.AddHours(1)).ShouldBeFalse();
        filter.Matches(Shop, "order.created", From.AddTicks(-1)).ShouldBeFalse();
        filter.Matches(Guid.NewGuid(), "order.created", From).ShouldBeFalse();
        filter.Matches(null, "order.created", From).ShouldBeFalse();
        filter.Matches(Shop, "referral.task", From).ShouldBeFalse();
    }

    [Fact]
    public void A_filter_without_options_matches_everything()
    {
        var (filter, errors) = EventFilter.Parse(null, null, null, null, Known);

        errors.ShouldBeEmpty();
        filter!.Matches(null, "unknown", DateTimeOffset.MinValue).ShouldBeTrue();
        filter.ToString().ShouldBe("shop=any event-type=any from=- to=-");
    }

    [Fact]
    public void A_time_without_an_offset_is_read_as_UTC()
    {
        var (filter, _) = EventFilter.Parse(null, null, "2026-11-25T02:00:00", null, Known);

        filter!.From.ShouldBe(From);
    }

    [Fact]
    public void Every_bad_value_is_refused_with_a_sentence_naming_its_option()
    {
        var (filter, errors) = EventFilter.Parse("shop-1", "order.paid", "yesterday", "2026-13-01", Known);

        filter.ShouldBeNull();
        errors.Count.ShouldBe(4);
        errors.ShouldContain(e => e.StartsWith("--shop 'shop-1' is not a UUID", StringComparison.Ordinal));
        errors.ShouldContain(e => e.StartsWith("--event-type 'order.paid' is not a known event type; known: order.created, referral.task", StringComparison.Ordinal));
        errors.ShouldContain(e => e.StartsWith("--from 'yesterday' is not a date and time", StringComparison.Ordinal));
        errors.ShouldContain(e => e.StartsWith("--to '2026-13-01' is not a date and time", StringComparison.Ordinal));
    }

    [Fact]
    public void A_window_that_ends_before_it_starts_is_refused()
    {
        var (filter, errors) = EventFilter.Parse(null, null, "2026-11-25T03:00:00Z", "2026-11-25T02:00:00Z", Known);

        filter.ShouldBeNull();
        errors.ShouldHaveSingleItem().ShouldContain("must be before --to");
    }
}
