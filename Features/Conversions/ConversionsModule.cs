using Referrals.Service.Features.Referrals;
using Wolverine;

namespace Referrals.Service.Features.Conversions;

public static class ConversionsModule
{
    public const string Queue = "conversions";

    public static WebApplicationBuilder AddConversions(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ConversionMetrics>();
        builder.Services.AddScoped<AcceptShopifyWebhook>();
        builder.Services.AddSingleton(CustomerNotFoundRetry.From(builder.Configuration));
        builder.AddServiceMeter(ConversionMetrics.MeterName);
        builder.Services.ConfigureWolverine(options =>
        {
            options.PublishMessage<ConvertOrder>().ToLocalQueue(Queue).UseDurableInbox();
            // A conversion mostly waits on Core and Postgres, not on the CPU: many may wait at once.
            options.LocalQueue(Queue).MaximumParallelMessages(builder.Configuration.GetValue("Conversions:Parallelism", 16));
            options.PublishMessage<CountOrderOutcome>().ToLocalQueue(ReferralsModule.MetricsQueue);
        });
        return builder;
    }
}
