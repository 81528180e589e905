using Grpc.Core;
using Grpc.Net.Client;
using Referrals.Contracts.V1;
using Referrals.DevStubs.Auth;
using Referrals.DevStubs.Core;

namespace Referrals.Chaos;

/// <summary>A referral link of the run: the referral's id and the link id an order names as its discount code.</summary>
public sealed record CreatedLink(Guid ReferralId, string LinkId);

/// <summary>Creates the run's referral links over gRPC as the dev shop's merchant admin, before any fault.</summary>
public static class ReferralLinks
{
    public static async Task<CreatedLink[]> CreateAsync(Uri grpc, Guid shop, int count, int concurrency, CancellationToken ct)
    {
        using var channel = GrpcChannel.ForAddress(grpc);
        var client = new ReferralsService.ReferralsServiceClient(channel);
        var headers = new Metadata
        {
            { "authorization", "Bearer " + DevTokens.Mint(DevTokens.DefaultSigningKey, shop.ToString(), "merchant:referrals:admin", null,
                TimeSpan.FromHours(4), null, DateTimeOffset.UtcNow) },
        };
        var created = new CreatedLink[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
            async (link, token) =>
            {
                var request = new CreateReferralRequest
                {
                    ShopId = shop.ToString(),
                    CustomerId = DevCustomers.PlatformId(shop, OrderMix.ReferrerOf(link)).ToString(),
                    Locale = "en",
                    RequestId = Guid.NewGuid().ToString(),
                };
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        // The same request_id makes a retry safe: it answers the referral the first try created.
                        var response = await client.CreateReferralAsync(request, headers, cancellationToken: token);
                        created[link] = new CreatedLink(Guid.Parse(response.ReferralId), response.ReferralLinkId);
                        return;
                    }
                    catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.ResourceExhausted && attempt < 10)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), token);
                    }
                }
            });
        return created;
    }
}
