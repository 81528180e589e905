using Marten;
using Marten.Schema;
using Marten.Schema.Indexing.Unique;
using Referrals.Service.Infrastructure;
using Wolverine;
using Wolverine.Kafka;

namespace Referrals.Service.Features.Links;

public static class LinksModule
{
    public static WebApplicationBuilder AddLinks(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(options => options.Schema.For<Referral>()
            .MultiTenanted() // tenant id = shop_id
            .UniqueIndex(UniqueIndexType.DuplicatedField, "unique_referrals_shop_id_referral_link_id",
                TenancyScope.PerTenant, r => r.ReferralLinkId)
            .UniqueIndex(UniqueIndexType.DuplicatedField, "unique_referrals_shop_id_request_id",
                TenancyScope.PerTenant, r => r.RequestId)
            .Duplicate(r => r.CustomerId)
            // Two orders through one link at the same moment: the second save fails, retries, sees it converted.
            .UseOptimisticConcurrency(true));

        builder.Services.ConfigureWolverine(options =>
            options.PublishMessage<ReferralTask>().ToKafkaTopic(Topics.ReferralTask));
        return builder;
    }
}
