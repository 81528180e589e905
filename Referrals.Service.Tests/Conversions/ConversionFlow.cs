using Referrals.Contracts.V1;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Conversions;

/// <summary>Arrange helpers shared by the conversion tests: a referral to convert, a Kafka read of its events.</summary>
public static class ConversionFlow
{
    public sealed record CreatedLink(Guid ShopId, Guid ReferralId, string LinkId, Guid Referrer);

    public static async Task<CreatedLink> CreateReferralAsync(this ReferralsApp app, ShopifyWebhooks.DevShop shop, long referrerNumber,
        CancellationToken ct, string locale = "en")
    {
        var (client, channel) = app.Client();
        using var _ = channel;
        var referrer = DevShops.Customer(shop.Id, referrerNumber);
        var created = await client.CreateReferralAsync(new CreateReferralRequest
        {
            ShopId = shop.Id.ToString(),
            CustomerId = referrer.ToString(),
            Locale = locale,
            RequestId = Guid.NewGuid().ToString(),
        }, ReferralsGrpc.Bearer(DevShops.AdminToken(shop.Id)), cancellationToken: ct);
        return new CreatedLink(shop.Id, Guid.Parse(created.ReferralId), created.ReferralLinkId, referrer);
    }

    public static IReadOnlyList<KafkaRecord> EventsOf(this ReferralsApp app, string topic, Guid referralId, int atMost, TimeSpan within,
        CancellationToken ct) =>
        KafkaReader.Read(app.KafkaBootstrap, topic, record => record.Payload.ToString().Contains(referralId.ToString(), StringComparison.Ordinal),
            atMost, within, ct);
}
