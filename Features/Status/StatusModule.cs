// Not ".Status": a namespace named Status would hide Grpc.Core.Status from every Referrals.Service.Features.* file.
namespace Referrals.Service.Features.StatusReads;

public static class StatusModule
{
    public static WebApplicationBuilder AddStatus(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReadReferralStatus>();
        builder.Services.AddSingleton<AnswerReferralStatus>();
        builder.Services.AddSingleton<StatusMetrics>();
        builder.AddServiceMeter(StatusMetrics.MeterName);
        return builder;
    }
}
