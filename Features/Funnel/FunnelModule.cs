using Referrals.Service.Features.Referrals;
using Referrals.Service.Storage;
using Wolverine;

namespace Referrals.Service.Features.Funnel;

/// <summary>The referral funnel: its counter (<see cref="FunnelMetrics"/>) and the per-shop query (<see cref="GetFunnel"/>).</summary>
public static class FunnelModule
{
    /// <summary>The shop's referrals by their last change: the funnel query reads only those changed since its window began.</summary>
    public const string WindowIndex = $"""
        create index if not exists referrals_funnel_window on {DocumentStorage.Schema}.{ReferralsModule.Table}
          (tenant_id, {DocumentStorage.Schema}.mt_immutable_timestamptz(data ->> 'updated_at'));
        """;

    public static WebApplicationBuilder AddFunnel(this WebApplicationBuilder builder)
    {
        builder.Services.AddDatabaseObjects("funnel window index", WindowIndex);
        builder.Services.AddSingleton<FunnelMetrics>();
        builder.AddServiceMeter(FunnelMetrics.MeterName);
        // Counted in memory once the change committed, beside the status count.
        builder.Services.ConfigureWolverine(options =>
            options.PublishMessage<CountFunnelSteps>().ToLocalQueue(ReferralsModule.MetricsQueue));
        return builder;
    }
}
