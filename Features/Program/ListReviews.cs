using FastEndpoints;
using Marten;
using Referrals.Service.Auth;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Messaging;
using Referrals.Service.Storage;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Features.Program;

public sealed class ListReviewsRequest
{
    public Guid ShopId { get; set; }
    [QueryParam, BindFrom("page_size")] public int PageSize { get; set; } = ListReviews.DefaultPageSize;
    [QueryParam, BindFrom("page_token")] public string? PageToken { get; set; }
}

/// <summary>A referral waiting for review, ids and reason codes only.</summary>
public sealed record ReviewView(Guid ReferralId, Guid CustomerId, long? OrderId, string Status, string? Reason, IReadOnlyList<string> Reasons,
    DateTimeOffset? HeldAt)
{
    public static ReviewView Of(Referral referral) => new(referral.Id, referral.CustomerId, referral.OrderId, referral.Status.Wire(),
        referral.StatusReason, referral.FraudReasons ?? [], referral.FraudCheckedAt);
}

public sealed record ReviewPage(IReadOnlyList<ReviewView> Reviews, string? NextPageToken);

/// <summary>
/// GET /shops/{shop_id}/reviews?page_size=&amp;page_token=: the shop's referrals under review (a merchant of the shop),
/// oldest first by referral id (UUIDv7: creation order), so a page never repeats or skips one that was there before
/// it (a decided one leaves the list). page_token is the last referral id of the page before; page_size 1–100 (default 20).
/// </summary>
public sealed class ListReviews(IDocumentStore store) : Endpoint<ListReviewsRequest>
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public override void Configure()
    {
        Get(ProgramRoutes.Reviews);
        Options(route => route.RequireRateLimiting(WebhookRateLimits.AdminPolicy));
        Policies(AccessPolicies.MerchantReader);
    }

    public override async Task HandleAsync(ListReviewsRequest request, CancellationToken ct)
    {
        if (request.PageSize is < 1 or > MaxPageSize)
        {
            await Send.ResultAsync(ProgramRoutes.Problem(StatusCodes.Status400BadRequest, "invalid_page_size", $"page_size is 1 to {MaxPageSize}"));
            return;
        }
        var after = Guid.Empty;
        if (request.PageToken is { Length: > 0 } token && !Guid.TryParse(token, out after))
        {
            await Send.ResultAsync(ProgramRoutes.Problem(StatusCodes.Status400BadRequest, "invalid_page_token", "page_token is not one this route gave"));
            return;
        }

        await using var session = store.QuerySession(request.ShopId.ToString());
        // Keyset paging on the id (LINQ has no Guid ordering operator): one more than the page says whether another follows.
        var found = await session.QueryAsync<Referral>(
            "where tenant_id = ? and data ->> 'status' = ? and data ->> 'status_reason' = ? and id > ? order by id limit ?",
            ct, request.ShopId.ToString(), ReferralStatus.InProgress.Wire(), ReferralReason.UnderReview, after, request.PageSize + 1);
        var page = found.Take(request.PageSize).Select(ReviewView.Of).ToList();
        var next = found.Count > request.PageSize ? page[^1].ReferralId.ToString() : null;
        await Send.ResultAsync(TypedResults.Json(new ReviewPage(page, next), WireJson.Options));
    }
}
