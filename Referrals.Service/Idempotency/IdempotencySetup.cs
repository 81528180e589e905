using Marten;
using Wolverine;
using Referrals.Service.Storage;

namespace Referrals.Service.Idempotency;

public static class IdempotencySetup
{
    public static WebApplicationBuilder AddIdempotency(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(options => options.Schema.For<ProcessedEvent>()
            .DocumentAlias("processed_events")
            .MultiTenanted() // tenant id = shop_id
            .Duplicate(e => e.ProcessedAt!));
        builder.Services.AddSingleton<RecentEvents>();
        builder.Services.AddDatabaseObjects("processed-events expiry", ExpireProcessedEvents.Function);
        builder.Services.AddSingularAgent<ExpireProcessedEvents>();
        return builder;
    }
}
