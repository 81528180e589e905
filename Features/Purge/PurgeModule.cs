using Marten;
using Wolverine;
using Referrals.Service.Features.Referrals;

namespace Referrals.Service.Features.Purge;

public static class PurgeModule
{
    public const string Queue = "purge";

    /// <summary>The scope AdminCore's own token carries to call PurgeAuditLogs.</summary>
    public const string AdminPurgeScope = "admin:audit:purge";

    public static WebApplicationBuilder AddPurge(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(options => options.Schema.For<AuditPurge>().UseOptimisticConcurrency(true));
        builder.Services.ConfigureWolverine(options =>
        {
            options.PublishMessage<PurgeShopData>().ToLocalQueue(Queue).UseDurableInbox();
            options.PublishMessage<RedactCustomer>().ToLocalQueue(Queue).UseDurableInbox();
            options.PublishMessage<RedactShop>().ToLocalQueue(Queue).UseDurableInbox();
        });
        return builder;
    }
}
