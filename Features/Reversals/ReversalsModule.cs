using Marten;
using Referrals.Service.Features.Referrals;
using Wolverine;

namespace Referrals.Service.Features.Reversals;

public static class ReversalsModule
{
    public const string Queue = "reversals";

    public static WebApplicationBuilder AddReversals(this WebApplicationBuilder builder)
    {
        // Tenant id = shop_id. The conversion and a reversal of one order at once: the second save fails, retries,
        // and decides on what the first wrote.
        builder.Services.ConfigureMarten(options => options.Schema.For<OrderLedger>().MultiTenanted().UseOptimisticConcurrency(true));
        builder.Services.AddSingleton<ReversalMetrics>();
        builder.AddServiceMeter(ReversalMetrics.MeterName);
        builder.Services.ConfigureWolverine(options =>
        {
            options.PublishMessage<ReverseOrder>().ToLocalQueue(Queue).UseDurableInbox();
            options.PublishMessage<CountReversal>().ToLocalQueue(ReferralsModule.MetricsQueue);
        });
        return builder;
    }
}
