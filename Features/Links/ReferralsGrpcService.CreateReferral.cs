using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Npgsql;
using Referrals.Contracts.V1;
using Referrals.Service.Auth;
using Referrals.Service.Features.Links;

namespace Referrals.Service.Features;

public sealed partial class ReferralsGrpcService
{
    private static readonly HashSet<string> Locales = ["en", "ar", "he"];

    /// <summary>A customer creates referrals for themselves (sub = customer_id); a merchant admin for any customer of the shop.</summary>
    [Authorize(Policy = AccessPolicies.ReferralCreator)]
    public override async Task<CreateReferralResponse> CreateReferral(CreateReferralRequest request, ServerCallContext context)
    {
        var shopId = RpcGuard.Uuid(request.ShopId, "shop_id");
        var customerId = RpcGuard.Uuid(request.CustomerId, "customer_id");
        var requestId = RpcGuard.Text(request.RequestId, "request_id", maxLength: 128);
        var locale = Locales.Contains(request.Locale) ? request.Locale : "en";
        RpcGuard.Allow(context.Caller().MayCreateReferralFor(shopId, customerId),
            "the token does not allow creating referrals for this shop and customer");

        var command = new CreateReferral(shopId, customerId, locale, requestId);
        ReferralCreation creation;
        try
        {
            creation = await bus.InvokeForTenantAsync<ReferralCreation>(shopId.ToString(), command, context.CancellationToken);
        }
        catch (Exception e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same request_id raced in twice; the unique index let one through. Asking again returns that one.
            creation = await bus.InvokeForTenantAsync<ReferralCreation>(shopId.ToString(), command, context.CancellationToken);
        }
        var created = creation.Created ?? throw new RpcException(creation.Refusal!.Value);

        return new CreateReferralResponse
        {
            ReferralId = created.ReferralId.ToString(),
            ReferralLinkId = created.ReferralLinkId,
            Status = created.Status.ToProto(),
        };
    }
}
