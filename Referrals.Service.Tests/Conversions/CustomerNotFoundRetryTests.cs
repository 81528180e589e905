extern alias service;

using Referrals.Service.Tests.Infrastructure;
using service::Referrals.Service.Features.Conversions;
using service::Referrals.Service.Features.Translations;
using service::Referrals.Service.Idempotency;
using service::Referrals.Service.Tenancy;
using static Referrals.Service.Tests.Infrastructure.Decisions;

namespace Referrals.Service.Tests.Conversions;

/// <summary>A buyer Core does not know yet is asked about again within the window from the order's accept time, then is unknown_customer.</summary>
[Trait("Tier", "Unit")]
public sealed class CustomerNotFoundRetryTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private static readonly Shop DevShop = new(ShopId, "dev-shop.myshopify.com", AllowTestOrders: false, Active: true, Now);
    private static readonly LocalizedText Completed = new("referral.status.completed", "en", "Your referral completed");

    private static ConvertOrder Order(TimeSpan acceptedAgo, long? shopifyCustomerId = 12) =>
        new(ShopId, "wh-1", 1001, shopifyCustomerId, false, false, ["Ab12Cd34Ef56"], null, null, Now - acceptedAgo);

    private static ConversionFacts BuyerNotFound(TimeSpan window) =>
        new(null, DevShop, Referral(), null, false, Completed, null, window);

    [Theory]
    [InlineData(0.0, 1.0)] // at first: a second
    [InlineData(0.4, 1.0)]
    [InlineData(3.0, 3.0)] // then as long as it has waited
    [InlineData(100.0, 30.0)] // at most 30 s
    [InlineData(290.0, 10.0)] // never past the window's end
    public void Within_the_window_Core_is_asked_again_after_a_pause_that_grows_with_the_wait(double waitedSeconds, double pauseSeconds)
    {
        var pause = CustomerNotFoundRetry.PauseBeforeAskingAgain(Order(TimeSpan.FromSeconds(waitedSeconds)), Window, Now);

        pause.ShouldBe(TimeSpan.FromSeconds(pauseSeconds));
    }

    [Theory]
    [InlineData(300.0)]
    [InlineData(3600.0)]
    public void Once_the_window_from_the_accept_time_is_over_there_is_no_asking_again(double waitedSeconds)
    {
        CustomerNotFoundRetry.PauseBeforeAskingAgain(Order(TimeSpan.FromSeconds(waitedSeconds)), Window, Now).ShouldBeNull();
    }

    [Fact]
    public void A_guest_checkout_has_no_Core_record_to_wait_for()
    {
        CustomerNotFoundRetry.PauseBeforeAskingAgain(Order(TimeSpan.Zero, shopifyCustomerId: null), Window, Now).ShouldBeNull();
    }

    [Fact]
    public void Within_the_window_the_order_is_sent_again_later_for_its_shop_with_its_headers_and_nothing_is_recorded()
    {
        var order = Order(TimeSpan.FromSeconds(5));
        var envelope = Envelope("corr-lag");
        envelope.TenantId = ShopId.ToString();
        envelope.Headers["x-shopify-webhook-id"] = "wh-1";

        var (processed, referral, messages) = ConvertOrderHandler.Handle(order, BuyerNotFound(Window), envelope, Clock);

        processed.Stored<ProcessedEvent>().ShouldBeNull();
        referral.ShouldBeOfType<Wolverine.Marten.NoOp>();
        messages.Sent<CountOrderOutcome>().ShouldBeEmpty();
        messages.Sent<ConvertOrder>().ShouldHaveSingleItem().ShouldBe(order);
        var again = messages.OptionsOf<ConvertOrder>().ShouldHaveSingleItem();
        again.ScheduleDelay.ShouldBe(TimeSpan.FromSeconds(5));
        again.TenantId.ShouldBe(ShopId.ToString());
        again.CorrelationId.ShouldBe("corr-lag");
        again.Headers["x-shopify-webhook-id"].ShouldBe("wh-1");
    }

    [Fact]
    public void After_the_window_the_order_is_an_unknown_customer()
    {
        var (processed, _, messages) = ConvertOrderHandler.Handle(Order(Window), BuyerNotFound(Window), Envelope(), Clock);

        processed.Stored<ProcessedEvent>()!.Outcome.ShouldBe(OrderOutcomes.UnknownCustomer);
        messages.Sent<ConvertOrder>().ShouldBeEmpty();
        messages.Sent<CountOrderOutcome>().ShouldHaveSingleItem().Outcome.ShouldBe(OrderOutcomes.UnknownCustomer);
    }
}
