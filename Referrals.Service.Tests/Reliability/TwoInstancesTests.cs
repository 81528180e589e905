using System.Net;
using Grpc.Net.Client;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Reliability;

/// <summary>Both service instances serve the public routes: webhooks on HTTP, status reads on gRPC.</summary>
[Collection(IntegrationTier.Name)]
public sealed class TwoInstancesTests(ReferralsApp app)
{
    [Fact]
    public async Task A_referred_order_sent_to_the_second_instance_converts_once_and_the_second_instance_answers_its_status()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 611, ct);
        using var second = app.CreateSecondHttpClient();

        var accepted = await second.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(612, discountCode: link.LinkId), ct: ct);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct),
            referral => referral?.Status == "completed", TimeSpan.FromSeconds(20), ct);
        var completed = app.EventsOf("referral.completed", link.ReferralId, atMost: 2, TimeSpan.FromSeconds(5), ct);
        using var channel = GrpcChannel.ForAddress(app.SecondGrpcAddress);
        var status = await new ReferralsService.ReferralsServiceClient(channel).GetReferralStatusAsync(
            new GetReferralStatusRequest { ShopId = link.ShopId.ToString(), ReferralId = link.ReferralId.ToString(), Locale = "en" },
            ReferralsGrpc.Bearer(DevShops.MerchantToken(link.ShopId)), cancellationToken: ct);

        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        completed.Count.ShouldBe(1);
        status.Status.ShouldBe(ReferralStatus.Completed);
        status.ReferralLinkId.ShouldBe(link.LinkId);
    }
}
