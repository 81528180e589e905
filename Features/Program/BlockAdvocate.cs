using FastEndpoints;
using Marten;
using Referrals.Service.Auth;
using Referrals.Service.Correlation;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Messaging;
using Referrals.Service.Tenancy;
using Referrals.Service.Webhooks;
using Wolverine;
using Wolverine.Marten;

namespace Referrals.Service.Features.Program;

/// <summary>Block (or unblock) an advocate of the shop. Blocking rejects their pending reviews (advocate_blocked).</summary>
public sealed record BlockAdvocate(Guid ShopId, Guid CustomerId, bool Blocked);

public sealed record AdvocateBlockView(Guid CustomerId, bool Blocked, IReadOnlyList<Guid> RejectedReferrals);

public sealed record BlockFacts(IReadOnlyList<Referral> PendingReviews, int AuditRetentionDays);

public static class BlockAdvocateHandler
{
    public static async Task<BlockFacts> LoadAsync(BlockAdvocate command, IDocumentSession db, ShopDirectory shops, CancellationToken ct)
    {
        var reviews = command.Blocked
            ? await db.Query<Referral>().Where(r => r.CustomerId == command.CustomerId && r.Status == ReferralStatus.InProgress
                && r.StatusReason == ReferralReason.UnderReview).ToListAsync(ct)
            : [];
        return new BlockFacts([.. reviews], Shop.AuditRetentionOf(await shops.FindAsync(command.ShopId, ct)));
    }

    public static (AdvocateBlockView, IMartenOp, IMartenOp, OutgoingMessages) Handle(BlockAdvocate command, BlockFacts facts,
        Envelope envelope, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        if (!command.Blocked)
            return (new AdvocateBlockView(command.CustomerId, false, []), MartenOps.Delete<BlockedAdvocate>(command.CustomerId),
                MartenOps.Nothing(), []);

        var context = new ReferralChangeContext(command.ShopId, now, CorrelationId.Of(envelope), facts.AuditRetentionDays);
        var rejected = facts.PendingReviews.Select(r => ReferralChanges.Reject(context, r, [ReferralReason.AdvocateBlocked])).ToList();
        var messages = new OutgoingMessages();
        foreach (var change in rejected)
        {
            messages.AddRange(change.Messages);
            messages.Add(new CountReviewDecision(ReviewOutcomes.AdvocateBlocked));
        }
        return (new AdvocateBlockView(command.CustomerId, true, [.. rejected.Select(c => c.Referral.Id)]),
            MartenOps.Store(new BlockedAdvocate(command.CustomerId, now)),
            rejected.Count > 0 ? MartenOps.StoreMany([.. rejected.Select(c => c.Referral)]) : MartenOps.Nothing(),
            messages);
    }
}

public sealed class BlockAdvocateRequest
{
    public Guid ShopId { get; set; }
    public Guid CustomerId { get; set; }
}

/// <summary>
/// POST /shops/{shop_id}/advocates/{customer_id}/block | /unblock (`merchant:referrals:admin` of the shop). A blocked
/// advocate's pending reviews are rejected at once and their later conversions are rejected (advocate_blocked);
/// unblocking lets later ones through again. Both are idempotent.
/// </summary>
public sealed class BlockAdvocateEndpoint(IMessageBus bus) : Endpoint<BlockAdvocateRequest>
{
    public override void Configure()
    {
        Post(ProgramRoutes.Block, ProgramRoutes.Unblock);
        Options(route => route.RequireRateLimiting(WebhookRateLimits.AdminPolicy));
        Policies(AccessPolicies.MerchantAdmin);
    }

    public override async Task HandleAsync(BlockAdvocateRequest request, CancellationToken ct)
    {
        var blocked = HttpContext.Request.Path.Value!.EndsWith("/block", StringComparison.Ordinal);
        var view = await bus.InvokeForTenantAsync<AdvocateBlockView>(request.ShopId.ToString(),
            new BlockAdvocate(request.ShopId, request.CustomerId, blocked), ct);
        await Send.ResultAsync(TypedResults.Json(view, WireJson.Options));
    }
}
