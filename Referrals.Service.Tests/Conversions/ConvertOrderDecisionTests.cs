extern alias service;

using Referrals.Service.Tests.Infrastructure;
using service::Referrals.Service.Caching;
using service::Referrals.Service.Features.Conversions;
using service::Referrals.Service.Features.Referrals;
using service::Referrals.Service.Features.Translations;
using service::Referrals.Service.Idempotency;
using service::Referrals.Service.Messaging;
using service::Referrals.Service.Tenancy;
using static Referrals.Service.Tests.Infrastructure.Decisions;
using service::Referrals.Service.Correlation;

namespace Referrals.Service.Tests.Conversions;

/// <summary>Every outcome of <see cref="ConvertOrderHandler"/>'s pure decision, without a stack.</summary>
[Trait("Tier", "Unit")]
public sealed class ConvertOrderDecisionTests
{
    private const string Code = "Ab12Cd34Ef56";
    private static readonly Guid Referrer = Guid.NewGuid();
    private static readonly Guid Buyer = Guid.NewGuid();
    private static readonly Shop DevShop = new(ShopId, "dev-shop.myshopify.com", AllowTestOrders: false, Active: true, Now);
    private static readonly LocalizedText Completed = new("referral.status.completed", "en", "Your referral completed");

    private static ConvertOrder Order(string? code = Code, bool test = false, bool cancelled = false) =>
        new(ShopId, "wh-1", 1001, 12, test, cancelled, code is null ? [] : [code], null, null, Now.AddSeconds(-1));

    private static ConversionFacts Facts(Referral? referral, Guid? buyer = null, bool referrerKnown = true, Shop? shop = null,
        ReferralBonus? bonus = null, ProcessedEvent? seen = null) =>
        new(seen, shop ?? DevShop, referral, buyer, referrerKnown, Completed, bonus);

    private static (string Outcome, object Referral, IReadOnlyList<object> Messages) Decide(ConvertOrder order, ConversionFacts facts)
    {
        var (processed, referral, messages) = ConvertOrderHandler.Handle(order, facts, Envelope(), Clock);
        var outcome = processed.Stored<ProcessedEvent>()!;
        outcome.State.ShouldBe(ProcessingState.Processed);
        messages.Sent<CountOrderOutcome>().ShouldHaveSingleItem().Outcome.ShouldBe(outcome.Outcome);
        return (outcome.Outcome!, referral, [.. messages]);
    }

    [Fact]
    public void An_order_already_processed_changes_nothing_and_counts_nothing()
    {
        var seen = new ProcessedEvent("wh-1", ConvertOrder.EventType, ProcessingState.Processed, "converted", Now, Now);

        var (processed, referral, messages) = ConvertOrderHandler.Handle(Order(), Facts(Referral(), Buyer, seen: seen), Envelope(), Clock);

        processed.Stored<ProcessedEvent>().ShouldBeNull();
        referral.Stored<Referral>().ShouldBeNull();
        messages.ShouldBeEmpty();
    }

    [Fact]
    public void An_order_of_a_shop_uninstalled_after_its_webhook_was_accepted_converts_nothing()
    {
        var (outcome, referral, messages) = Decide(Order(), Facts(Referral(customerId: Referrer), Buyer, shop: DevShop with { Active = false }));

        outcome.ShouldBe(OrderOutcomes.InactiveShop);
        referral.ShouldBeOfType<Wolverine.Marten.NoOp>();
        messages.OfType<ReferralCompleted>().ShouldBeEmpty();
    }

    [Fact]
    public void An_order_without_a_referral_code_is_no_referral()
    {
        var (outcome, referral, messages) = Decide(Order(code: null), Facts(null));

        outcome.ShouldBe(OrderOutcomes.NoReferral);
        referral.ShouldBeOfType<Wolverine.Marten.NoOp>();
        messages.Count.ShouldBe(1);
    }

    [Fact]
    public void A_code_that_names_no_referral_is_an_unknown_referral_code()
    {
        var (outcome, _, _) = Decide(Order(), Facts(null));

        outcome.ShouldBe(OrderOutcomes.UnknownReferralCode);
        OrderOutcomes.IsError(outcome).ShouldBeTrue();
    }

    [Fact]
    public void A_cancelled_order_does_not_convert()
    {
        var (outcome, referral, _) = Decide(Order(cancelled: true), Facts(Referral(customerId: Referrer), Buyer));

        outcome.ShouldBe(OrderOutcomes.CancelledOrder);
        referral.ShouldBeOfType<Wolverine.Marten.NoOp>();
    }

    [Fact]
    public void A_test_order_does_not_convert_unless_the_shop_allows_test_orders()
    {
        var refused = Decide(Order(test: true), Facts(Referral(customerId: Referrer), Buyer));
        var allowed = Decide(Order(test: true), Facts(Referral(customerId: Referrer), Buyer, shop: DevShop with { AllowTestOrders = true }));

        refused.Outcome.ShouldBe(OrderOutcomes.TestOrder);
        allowed.Outcome.ShouldBe(OrderOutcomes.Converted);
    }

    [Theory]
    [InlineData(ReferralStatus.Completed, "already_converted")]
    [InlineData(ReferralStatus.Rewarded, "already_converted")]
    [InlineData(ReferralStatus.Failed, "referral_closed")]
    [InlineData(ReferralStatus.Cancelled, "referral_closed")]
    public void A_referral_that_is_no_longer_open_converts_at_most_once(ReferralStatus status, string expected)
    {
        var (outcome, referral, _) = Decide(Order(), Facts(Referral(status, Referrer), Buyer));

        outcome.ShouldBe(expected);
        referral.ShouldBeOfType<Wolverine.Marten.NoOp>();
    }

    [Fact]
    public void A_buyer_that_Core_does_not_know_is_an_unknown_customer()
    {
        var (outcome, _, _) = Decide(Order(), Facts(Referral(customerId: Referrer), buyer: null));

        outcome.ShouldBe(OrderOutcomes.UnknownCustomer);
        OrderOutcomes.IsError(outcome).ShouldBeTrue();
    }

    [Fact]
    public void A_referrer_that_Core_does_not_know_is_an_unknown_referrer()
    {
        var (outcome, _, _) = Decide(Order(), Facts(Referral(customerId: Referrer), Buyer, referrerKnown: false));

        outcome.ShouldBe(OrderOutcomes.UnknownReferrer);
    }

    [Fact]
    public void A_buyer_who_is_the_referrer_fails_the_referral_as_a_self_referral()
    {
        var (outcome, referral, messages) = Decide(Order(), Facts(Referral(customerId: Referrer), buyer: Referrer));

        outcome.ShouldBe(OrderOutcomes.SelfReferral);
        var failed = ((Wolverine.Marten.IMartenOp)referral).Stored<Referral>()!;
        failed.Status.ShouldBe(ReferralStatus.Failed);
        failed.StatusReason.ShouldBe("self_referral");
        messages.OfType<object>().ShouldNotContain(m => m is Wolverine.DeliveryMessage<ReferralCompleted>);
        messages.OfType<Wolverine.DeliveryMessage<CacheInvalidate>>().ShouldHaveSingleItem();
        messages.OfType<CountReferralStatus>().ShouldHaveSingleItem().Status.ShouldBe("failed");
    }

    [Fact]
    public void A_referred_order_completes_the_referral_and_announces_it_for_the_referrer()
    {
        var open = Referral(customerId: Referrer, locale: "he");

        var (processed, op, messages) = ConvertOrderHandler.Handle(Order(), Facts(open, Buyer), Envelope("corr-42"), Clock);

        processed.Stored<ProcessedEvent>()!.Outcome.ShouldBe(OrderOutcomes.Converted);
        var completed = op.Stored<Referral>()!;
        completed.Status.ShouldBe(ReferralStatus.Completed);
        completed.CompletedAt.ShouldBe(Now);
        completed.CorrelationId.ShouldBe("corr-42");
        var announced = messages.Sent<ReferralCompleted>().ShouldHaveSingleItem();
        announced.CustomerId.ShouldBe(Referrer);
        announced.Status.ShouldBe("completed");
        announced.Description.ShouldBe(Completed.Value);
        announced.Locale.ShouldBe("he");
        announced.BonusMultiplier.ShouldBe(1.0);
        var thankYou = messages.Sent<ReferralTask>().ShouldHaveSingleItem();
        thankYou.CustomerId.ShouldBe(Buyer);
        thankYou.TaskType.ShouldBe(ReferralTask.ThankYou);
        messages.Sent<CacheInvalidate>().ShouldHaveSingleItem().Key.ShouldBe(ReferralStatusCache.Key(ShopId, open.Id));
        messages.Sent<CountReferralStatus>().ShouldHaveSingleItem().ShouldBe(new CountReferralStatus("completed", "he"));
    }

    [Fact]
    public void Every_event_of_a_conversion_carries_the_envelopes_correlation_id_and_is_keyed_by_shop()
    {
        var (_, _, messages) = ConvertOrderHandler.Handle(Order(), Facts(Referral(customerId: Referrer), Buyer), Envelope("corr-7"), Clock);

        var options = messages.OptionsOf<ReferralCompleted>().Concat(messages.OptionsOf<ReferralTask>())
            .Concat(messages.OptionsOf<CacheInvalidate>()).ToList();
        options.Count.ShouldBe(3);
        options.ShouldAllBe(o => o.Headers[KafkaEnvelope.CorrelationIdHeader] == "corr-7" && o.PartitionKey == ShopId.ToString());
        messages.Sent<ReferralCompleted>().Single().CorrelationId.ShouldBe("corr-7");
    }

    [Fact]
    public void A_referrer_holding_a_VIP_tier_gets_the_tiers_bonus_on_the_conversion()
    {
        var bonus = new ReferralBonus("gold", 2.0, 500);

        var (_, op, messages) = ConvertOrderHandler.Handle(Order(), Facts(Referral(customerId: Referrer), Buyer, bonus: bonus), Envelope(), Clock);

        op.Stored<Referral>()!.BonusTierId.ShouldBe("gold");
        var announced = messages.Sent<ReferralCompleted>().Single();
        (announced.TierId, announced.BonusMultiplier, announced.BonusPoints).ShouldBe(("gold", 2.0, 500));
    }

    [Fact]
    public void A_redelivered_order_that_was_accepted_keeps_its_received_time()
    {
        var accepted = new ProcessedEvent("wh-1", ConvertOrder.EventType, ProcessingState.Accepted, null, Now.AddMinutes(-5), null);

        var (processed, _, _) = ConvertOrderHandler.Handle(Order(), Facts(Referral(customerId: Referrer), Buyer, seen: accepted), Envelope(), Clock);

        var done = processed.Stored<ProcessedEvent>()!;
        (done.ReceivedAt, done.ProcessedAt, done.State).ShouldBe((Now.AddMinutes(-5), (DateTimeOffset?)Now, ProcessingState.Processed));
    }
}
