using Marten;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Storage;
using Wolverine;

namespace Referrals.Service.Features.Program;

public static class ProgramModule
{
    public const string Queue = "program";

    public static WebApplicationBuilder AddProgram(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(options =>
        {
            options.Schema.For<ProgramSettings>().MultiTenanted(); // id = tenant id = shop_id
            options.Schema.For<BlockedAdvocate>().MultiTenanted(); // id = customer_id
        });
        builder.Services.AddSingleton(BrowserFingerprints.From(builder.Configuration));
        builder.Services.AddSingleton<ReviewMetrics>();
        builder.Services.AddDatabaseObjects("pending review count", PendingReviewCount.Function);
        builder.Services.AddHostedService<PendingReviewCount>();
        builder.AddServiceMeter(ReviewMetrics.MeterName);
        builder.Services.ConfigureWolverine(options =>
        {
            // Review timeouts are durable scheduled messages: they survive restarts and fire once.
            options.PublishMessage<DecideTimedOutReview>().ToLocalQueue(Queue).UseDurableInbox();
            options.PublishMessage<CountReviewDecision>().ToLocalQueue(ReferralsModule.MetricsQueue);
        });
        return builder;
    }
}
