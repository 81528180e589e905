using Referrals.Contracts.V1;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Program;

/// <summary>
/// On the stack: an order a fraud rule rejects (minimum subtotal) shows its reason in GetReferralStatus as the enum and
/// as the seeded text of the asked locale, en, ar and he. Customers 107300–107309, orders 7190001000–7190001099.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class FraudReasonInEveryLocaleTests(ReferralsApp app)
{
    [Fact]
    public async Task A_rejected_order_shows_below_minimum_with_its_text_in_en_ar_and_he()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var settings = await app.ProgramSettingsAsync(new
        {
            fraud = new { minimum_subtotal = new { action = "reject", after_discounts = true, minimums = new[] { new { currency = "USD", amount = 100m } } } },
        }, ct);
        var link = await app.LinkOfAsync(107300, ct);

        var outcome = await app.ConvertAsync(ProgramFlow.Order(107301, link.LinkId, orderId: 7190001000, subtotal: "45.00"), ct);

        outcome.ShouldBe("fraud_rejected");
        foreach (var (locale, text) in new[]
                 {
                     ("en", "The order is below the minimum amount"),
                     ("ar", "الطلب أقل من الحد الأدنى للمبلغ"),
                     ("he", "ההזמנה נמוכה מהסכום המינימלי"),
                 })
        {
            var status = await Eventually.ReturnsAsync(
                () => app.GetStatusAsync(ProgramFlow.Shop.Id, link.ReferralId.ToString(), DevShops.MerchantToken(ProgramFlow.Shop.Id), ct, locale: locale),
                s => s.Status == ReferralStatus.Failed, TimeSpan.FromSeconds(30), ct);
            (status.Status, status.Reason, status.ReasonDescription, status.Locale)
                .ShouldBe((ReferralStatus.Failed, ReferralReason.BelowMinimum, text, locale));
        }
    }
}
