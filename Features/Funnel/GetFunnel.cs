using FastEndpoints;
using Npgsql;
using Referrals.Service.Auth;
using Referrals.Service.Features.Program;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Messaging;
using Referrals.Service.Storage;
using Referrals.Service.Tenancy;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Features.Funnel;

public sealed class GetFunnelRequest
{
    public Guid ShopId { get; set; }
    [QueryParam, BindFrom("from")] public DateTimeOffset? From { get; set; }
    [QueryParam, BindFrom("to")] public DateTimeOffset? To { get; set; }
}

/// <summary>A shop's funnel in [from, to): each stage counted by its own moment (see <see cref="FunnelStage"/>).</summary>
public sealed record FunnelView(Guid ShopId, DateTimeOffset From, DateTimeOffset To, long LinksCreated, long OrdersAttributed,
    long Converted, long Qualified, long Rewarded, long Reversed, long Rejected, IReadOnlyDictionary<string, long> RejectedByReason)
{
    /// <summary>The view of the query's (stage, reason, count) rows, pure; a stage without a row is 0.</summary>
    public static FunnelView Of(Guid shopId, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<FunnelRow> rows)
    {
        long Stage(string stage) => rows.Where(r => r.Stage == stage).Sum(r => r.Count);
        return new FunnelView(shopId, from, to, Stage(FunnelStage.LinkCreated), Stage(FunnelStage.OrderAttributed),
            Stage(FunnelStage.Converted), Stage(FunnelStage.Qualified), Stage(FunnelStage.Rewarded), Stage(FunnelStage.Reversed),
            Stage(FunnelStage.Rejected),
            rows.Where(r => r.Stage == FunnelStage.Rejected)
                .GroupBy(r => r.Reason ?? "unknown", StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(r => r.Count), StringComparer.Ordinal));
    }
}

public sealed record FunnelRow(string Stage, string? Reason, long Count);

/// <summary>
/// GET /shops/{shop_id}/funnel?from=&amp;to= (a merchant of the shop; another shop's token: 403): the shop's referrals
/// counted from Postgres by the moment of each stage in [from, to) — created_at, attributed_at, completed_at,
/// qualified_at (rewarded: qualified and still rewarded, the rewards that stand), reversed_at, and the failed ones' reasons
/// at updated_at (failed is final). Default window: the 30 days to now. One query over the shop's referrals changed
/// since `from` (every stage's moment is at most updated_at), on the index <see cref="FunnelModule.WindowIndex"/>, in a
/// transaction that names the shop (row-level security).
/// </summary>
public sealed class GetFunnel(ShopRowLevelSecurity security, TimeProvider clock) : Endpoint<GetFunnelRequest>
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(30);

    private const string Moment = $"{DocumentStorage.Schema}.mt_immutable_timestamptz";

    public const string Sql = $"""
        select s.stage, s.reason, count(*)
        from {DocumentStorage.Schema}.{ReferralsModule.Table} d
        cross join lateral (values
          ('{FunnelStage.LinkCreated}', null, {Moment}(d.data ->> 'created_at')),
          ('{FunnelStage.OrderAttributed}', null, {Moment}(d.data ->> 'attributed_at')),
          ('{FunnelStage.Converted}', null, {Moment}(d.data ->> 'completed_at')),
          ('{FunnelStage.Qualified}', null, {Moment}(d.data ->> 'qualified_at')),
          ('{FunnelStage.Rewarded}', null, case when d.data ->> 'status' = 'rewarded' then {Moment}(d.data ->> 'qualified_at') end),
          ('{FunnelStage.Reversed}', null, {Moment}(d.data ->> 'reversed_at')),
          ('{FunnelStage.Rejected}', d.data ->> 'status_reason', case when d.data ->> 'status' = 'failed' then {Moment}(d.data ->> 'updated_at') end)
        ) as s(stage, reason, at)
        where d.tenant_id = @shop and {Moment}(d.data ->> 'updated_at') >= @from and s.at >= @from and s.at < @to
        group by s.stage, s.reason
        """;

    public override void Configure()
    {
        Get("/shops/{shopId}/funnel");
        Options(route => route.RequireRateLimiting(WebhookRateLimits.AdminPolicy));
        Policies(AccessPolicies.MerchantReader);
    }

    public override async Task HandleAsync(GetFunnelRequest request, CancellationToken ct)
    {
        var to = request.To ?? clock.GetUtcNow();
        var from = request.From ?? to - DefaultWindow;
        if (from >= to)
        {
            await Send.ResultAsync(ProgramRoutes.Problem(StatusCodes.Status400BadRequest, "invalid_window", "from must be before to"));
            return;
        }

        var rows = await security.ReadAsShopAsync(request.ShopId, async transaction =>
        {
            await using var query = new NpgsqlCommand(Sql, transaction.Connection, transaction);
            query.Parameters.AddWithValue("shop", request.ShopId.ToString());
            query.Parameters.AddWithValue("from", from.ToUniversalTime());
            query.Parameters.AddWithValue("to", to.ToUniversalTime());
            var found = new List<FunnelRow>();
            await using var reader = await query.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                found.Add(new FunnelRow(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2)));
            return found;
        }, ct);
        await Send.ResultAsync(TypedResults.Json(FunnelView.Of(request.ShopId, from, to, rows), WireJson.Options));
    }
}
