using FastEndpoints;
using JasperFx;
using Referrals.Service.Auth;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Messaging;
using Referrals.Service.Webhooks;
using Wolverine;

namespace Referrals.Service.Features.Program;

public sealed class DecideReviewRequest
{
    public Guid ShopId { get; set; }
    public Guid ReferralId { get; set; }
}

/// <summary>
/// POST /shops/{shop_id}/reviews/{referral_id}/approve | /reject (`merchant:referrals:admin` of the shop). Approve:
/// completed (the conversion's events go out as for any conversion); reject: failed, review_rejected. 200 with the
/// referral's status; 404 when the shop has no such referral; 409 when it is not under review (decided already, by a
/// merchant or the review timeout).
/// </summary>
public sealed class DecideReviewEndpoint(IMessageBus bus) : Endpoint<DecideReviewRequest>
{
    public override void Configure()
    {
        Post(ProgramRoutes.Approve, ProgramRoutes.Reject);
        Options(route => route.RequireRateLimiting(WebhookRateLimits.AdminPolicy));
        Policies(AccessPolicies.MerchantAdmin);
    }

    public override async Task HandleAsync(DecideReviewRequest request, CancellationToken ct)
    {
        var decision = HttpContext.Request.Path.Value!.EndsWith("/approve", StringComparison.Ordinal) ? ReviewDecision.Approve : ReviewDecision.Reject;
        var command = new DecideReview(request.ShopId, request.ReferralId, decision);
        ReviewDecided decided;
        try
        {
            decided = await bus.InvokeForTenantAsync<ReviewDecided>(request.ShopId.ToString(), command, ct);
        }
        catch (Exception e) when (e is ConcurrencyException || e.InnerException is ConcurrencyException)
        {
            // Decided at the same moment (the timeout, another merchant): asked again, it answers what happened.
            decided = await bus.InvokeForTenantAsync<ReviewDecided>(request.ShopId.ToString(), command, ct);
        }

        await Send.ResultAsync(decided.Answer switch
        {
            ReviewAnswer.NotFound => ProgramRoutes.Problem(StatusCodes.Status404NotFound, "referral_not_found",
                $"shop {request.ShopId} has no referral {request.ReferralId}"),
            ReviewAnswer.NotUnderReview => ProgramRoutes.Problem(StatusCodes.Status409Conflict, "not_under_review",
                $"referral {request.ReferralId} is {decided.Referral!.Status.Wire()}, not under review"),
            _ => TypedResults.Json(ReviewView.Of(decided.Referral!), WireJson.Options),
        });
    }
}
