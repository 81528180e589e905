extern alias service;

using System.Text;
using System.Text.Json;
using service::Referrals.Service.Features.Conversions;
using service::Referrals.Service.Tenancy;

namespace Referrals.Service.Tests.Conversions;

[Trait("Tier", "Unit")]
public sealed class ShopifyOrderTests
{
    private static readonly Guid Shop = Guid.Parse("6f1c2a4e-9d3b-4c5a-8e7f-112233445566");
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 25, 15, 4, 5, TimeSpan.Zero);

    [Theory]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("""{"id": 1,}""")]
    [InlineData("""{"id": "1001"}""")]
    [InlineData("[1, 2]")]
    public void A_body_that_is_not_json_of_an_order_is_refused_with_the_parser_reason(string body)
    {
        var (order, problem) = ShopifyOrder.Parse(Encoding.UTF8.GetBytes(body));

        order.ShouldBeNull();
        problem.ShouldStartWith("the body is not a Shopify order: ");
    }

    [Fact]
    public void A_json_null_body_is_refused_as_not_an_object()
    {
        var (order, problem) = ShopifyOrder.Parse("null"u8);

        order.ShouldBeNull();
        problem.ShouldBe("the body is not a JSON object");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"id": null}""")]
    [InlineData("""{"id": 0}""")]
    [InlineData("""{"id": -4}""")]
    public void An_order_without_a_positive_numeric_id_is_refused(string body)
    {
        var (order, problem) = ShopifyOrder.Parse(Encoding.UTF8.GetBytes(body));

        order.ShouldBeNull();
        problem.ShouldBe("the order has no positive numeric 'id'");
    }

    [Fact]
    public void An_order_with_a_positive_id_is_read_with_its_attribution_fields()
    {
        var (order, problem) = ShopifyOrder.Parse("""
            {"id": 1001, "test": true, "customer": {"id": 42}, "landing_site": "/?ref=Ab12Cd34Ef56",
             "discount_codes": [{"code": "SUMMER10"}]}
            """u8);

        problem.ShouldBeNull();
        order.ShouldNotBeNull();
        order.Id.ShouldBe(1001);
        order.Test.ShouldBeTrue();
        order.Customer!.Id.ShouldBe(42);
        order.LandingSite.ShouldBe("/?ref=Ab12Cd34Ef56");
    }

    [Fact]
    public void Only_discount_codes_shaped_like_a_link_id_reach_the_conversion()
    {
        var order = Parsed("""
            {"id": 1001, "discount_codes": [{"code": "SUMMER10"}, {"code": null}, {"code": "Ab12Cd34Ef56"}, {"code": "Zz98Yy76Xx54"}]}
            """);

        var convert = order.ToConvertOrder(Shop, "wh-1", ReceivedAt);

        convert.DiscountCodes.ShouldBe(["Ab12Cd34Ef56", "Zz98Yy76Xx54"]);
    }

    [Theory]
    [InlineData("/?ref=Ab12Cd34Ef56", "Ab12Cd34Ef56")]
    [InlineData("/?ref=SUMMER10", null)]
    [InlineData("/products/x", null)]
    public void Only_a_landing_site_ref_shaped_like_a_link_id_reaches_the_conversion(string landingSite, string? expected)
    {
        var order = Parsed($$"""{"id": 1001, "landing_site": "{{landingSite}}"}""");

        var convert = order.ToConvertOrder(Shop, "wh-1", ReceivedAt);

        convert.LandingSiteRef.ShouldBe(expected);
    }

    [Theory]
    [InlineData("""[{"name": "referral_code", "value": "Ab12Cd34Ef56"}]""", "Ab12Cd34Ef56")]
    [InlineData("""[{"name": "referral_code", "value": "friend"}]""", null)]
    [InlineData("""[{"name": "referral_code", "value": 123456789012}]""", null)]
    [InlineData("""[{"name": "gift_note", "value": "Ab12Cd34Ef56"}]""", null)]
    public void Only_a_string_referral_code_note_attribute_shaped_like_a_link_id_reaches_the_conversion(string notes, string? expected)
    {
        var order = Parsed($$"""{"id": 1001, "note_attributes": {{notes}}}""");

        var convert = order.ToConvertOrder(Shop, "wh-1", ReceivedAt);

        convert.NoteReferralCode.ShouldBe(expected);
    }

    [Fact]
    public void The_conversion_carries_the_order_the_shop_the_webhook_and_whether_it_was_a_test_or_cancelled()
    {
        var order = Parsed("""{"id": 1001, "test": true, "cancelled_at": "2026-11-25T15:00:00Z", "customer": {"id": 42}}""");

        var convert = order.ToConvertOrder(Shop, "wh-1", ReceivedAt);

        (convert.ShopId, convert.WebhookId, convert.OrderId, convert.ShopifyCustomerId).ShouldBe((Shop, "wh-1", 1001L, (long?)42));
        (convert.Test, convert.Cancelled, convert.ReceivedAt).ShouldBe((true, true, ReceivedAt));
        convert.ReferralCode.ShouldBeNull();
    }

    [Fact]
    public void No_personal_data_of_the_order_reaches_the_conversion()
    {
        var order = Parsed("""
            {"id": 1001, "email": "jane.doe@example.com", "phone": "+15551234567",
             "customer": {"id": 42, "first_name": "Jane", "last_name": "Doe", "email": "jane.doe@example.com"},
             "billing_address": {"address1": "1 Main Street", "city": "Springfield"},
             "discount_codes": [{"code": "Ab12Cd34Ef56"}],
             "note_attributes": [{"name": "gift_message", "value": "Happy birthday Jane"}, {"name": "referral_code", "value": "Ab12Cd34Ef56"}]}
            """);

        var convert = JsonSerializer.Serialize(order.ToConvertOrder(Shop, "wh-1", ReceivedAt));

        convert.ShouldContain("Ab12Cd34Ef56");
        foreach (var personal in new[] { "jane", "Jane", "Doe", "5551234567", "Main Street", "Springfield", "birthday" })
            convert.ShouldNotContain(personal);
    }

    private static ShopifyOrder Parsed(string body) =>
        ShopifyOrder.Parse(Encoding.UTF8.GetBytes(body)).Order.ShouldNotBeNull();
}
