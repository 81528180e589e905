using Marten;
using Wolverine;
using Wolverine.Kafka;
using Referrals.Service.Messaging;

namespace Referrals.Service.Features.Tiers;

public static class TiersModule
{
    public const string Queue = "tiers";

    public static WebApplicationBuilder AddTiers(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(options =>
        {
            options.Schema.For<BonusPolicy>().MultiTenanted(); // id = tenant id = shop_id
            options.Schema.For<CustomerTier>().MultiTenanted() // id = customer_id
                .UseOptimisticConcurrency(true);
        });
        builder.Services.AddHostedService<SeedDevBonusPolicy>();

        builder.Services.ConfigureWolverine(options =>
        {
            // Campaign produces plain JSON or Confluent Avro without Wolverine's headers; the reader never throws, so a
            // bad event reaches the handler, which names it and parks it on referrals.dlq while the partition moves on.
            options.ListenToKafkaTopic(Topics.VipTierAssigned)
                .ReceiveWireEvents<VipTierAssigned>()
                .DefaultSerializer(new VipTierAssignedReader())
                .ExtendConsumerConfiguration(consumer => consumer.GroupId = MessagingSetup.ConsumerGroup(Topics.VipTierAssigned))
                .Sequential(); // per-shop order (key = shop_id) is kept from the partition to the decision
            // One customer's assignments are decided one at a time; optimistic concurrency covers other instances.
            options.LocalQueue(Queue).Sequential();
            options.PublishMessage<ApplyVipTier>().ToLocalQueue(Queue).UseDurableInbox();
            options.PublishMessage<RememberProcessed>().ToLocalQueue(Queue);
        });
        return builder;
    }
}
