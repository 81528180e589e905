using Marten;
using Marten.Schema;
using Marten.Schema.Indexing.Unique;
using Referrals.Service.Messaging;
using Referrals.Service.Storage;
using Referrals.Service.Tenancy;
using Wolverine;
using Wolverine.Kafka;
using Referrals.Service.Caching;

namespace Referrals.Service.Features.Referrals;

public static class ReferralsModule
{
    public const string Table = "mt_doc_referral";
    public const string MetricsQueue = "referral-metrics";

    public static WebApplicationBuilder AddReferrals(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(options => options.Schema.For<Referral>()
            .MultiTenanted() // tenant id = shop_id
            .UniqueIndex(UniqueIndexType.DuplicatedField, "unique_referrals_shop_id_referral_link_id",
                TenancyScope.PerTenant, r => r.ReferralLinkId)
            // CreateReferral's idempotency key belongs to its caller: (shop, customer, request_id).
            .UniqueIndex(UniqueIndexType.DuplicatedField, "unique_referrals_shop_id_customer_id_request_id",
                TenancyScope.PerTenant, r => r.CustomerId, r => r.RequestId)
            .Duplicate(r => r.CustomerId)
            .Duplicate(r => r.OrderId)
            // Two orders through one link at the same moment: the second save fails, retries, sees it converted.
            .UseOptimisticConcurrency(true));
        // Two qualifications of one advocate at once: the second save fails, retries and counts on the first.
        builder.Services.ConfigureMarten(options => options.Schema.For<AdvocateMilestones>().MultiTenanted().UseOptimisticConcurrency(true));
        builder.Services.AddOwnedCachePrefix(ReferralStatusCache.Prefix);
        // Two triggers on the referral table, so no code path changes a referral without them: the audit trail of
        // status changes, and the check that the status's description is translated in every locale.
        builder.Services.AddDatabaseObjects("referral audit trail", ReferralAuditTrail.Ddl);
        builder.Services.AddShopIsolatedTable(ReferralAuditTrail.TableName);
        builder.Services.AddDatabaseObjects("referral description check", ValidateReferralDescription.Sql);

        builder.Services.AddSingleton<ReferralMetrics>();
        builder.AddServiceMeter(ReferralMetrics.MeterName);
        builder.Services.ConfigureWolverine(options =>
        {
            options.PublishMessage<ReferralCompleted>().ToKafkaTopic(Topics.ReferralCompleted);
            options.PublishMessage<ReferralTask>().ToKafkaTopic(Topics.ReferralTask);
            options.PublishMessage<AuditLogged>().ToKafkaTopic(Topics.AuditLog);
            options.PublishMessage<ReferralQualified>().ToKafkaTopic(Topics.ReferralQualified);
            options.PublishMessage<ReferralReversed>().ToKafkaTopic(Topics.ReferralReversed);
            options.PublishMessage<ReferralMilestoneReached>().ToKafkaTopic(Topics.ReferralMilestoneReached);
            // The end of a hold: scheduled in the transaction that completed the referral, kept in the durable inbox until due.
            options.PublishMessage<QualifyReferral>().ToLocalQueue(QualifyReferral.Queue).UseDurableInbox();
            options.PublishMessage<CountQualification>().ToLocalQueue(MetricsQueue);
            // Counted in memory once the change committed; a count is not worth a durable row.
            options.PublishMessage<CountReferralStatus>().ToLocalQueue(MetricsQueue);
            options.LocalQueue(MetricsQueue).BufferedInMemory();
        });
        return builder;
    }

    public static WebApplication MapReferrals(this WebApplication app)
    {
        app.MapGrpcService<ReferralsGrpcService>();
        return app;
    }
}
