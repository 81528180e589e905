using System.Text.Json;
using System.Text.Json.Serialization;
using Confluent.Kafka;
using Npgsql;
using JasperFx;
using Marten;
using Weasel.Core;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Kafka;
using Wolverine.Marten;

namespace Referrals.Service.Infrastructure;

/// <summary>
/// Marten is the document store and Wolverine's transactional inbox/outbox; Kafka is the transport.
/// An event leaves only if the state change that caused it committed.
/// </summary>
public static class MessagingSetup
{
    public const string DocumentSchema = "referrals";

    /// <summary>snake_case on the wire, as the seed's payloads are.</summary>
    public static readonly JsonSerializerOptions WireJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>
    /// One consumer group per consumed topic: listeners that share a group rebalance each other every time one of
    /// them joins or leaves, pausing topics that have nothing to do with the change.
    /// </summary>
    public static string ConsumerGroup(string topic) => $"referrals-service.{topic}";

    public static WebApplicationBuilder AddReferralsMessaging(this WebApplicationBuilder builder)
    {
        builder.Services.AddMarten(options =>
            {
                options.DatabaseSchemaName = DocumentSchema;
                // Enums as the seed spells them in the database too: "in_progress", not "InProgress".
                options.UseSystemTextJsonForSerialization(enumStorage: EnumStorage.AsString, casing: Casing.SnakeCase,
                    configure: json => json.Converters.Insert(0, new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)));
                options.Schema.For<Tenancy.Shop>().UniqueIndex(shop => shop.Domain);
                options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            .IntegrateWithWolverine();

        var kafka = InfrastructureSettings.Required(builder.Configuration, InfrastructureSettings.Kafka);
        var autoProvision = builder.Configuration.GetValue<bool>("Kafka:AutoProvision");
        var avroOnTheWire = builder.AddSchemaRegistryWhenConfigured();

        builder.Host.UseWolverine(options =>
        {
            options.ServiceName = "referrals";
            options.UseRuntimeCompilation();
            options.UseSystemTextJsonForSerialization(json =>
            {
                json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
                json.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
            });

            options.Policies.AutoApplyTransactions();
            options.Policies.UseDurableLocalQueues();
            options.Policies.UseDurableInboxOnAllListeners();
            options.Policies.UseDurableOutboxOnAllSendingEndpoints();
            options.Policies.AddMiddleware(typeof(CorrelationForMessages));
            // A message nobody handles is a dead letter too, not a log line.
            options.UnknownMessageBehavior = UnknownMessageBehavior.DeadLetterQueue;

            // Transient faults get three tries with growing pauses; what still fails is a dead letter.
            options.Policies.OnException<NpgsqlException>().Or<TimeoutException>()
                .RetryWithCooldown(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));

            var transport = options.UseKafka(kafka)
                .ConfigureClient(client => client.ClientId = "referrals-service")
                // Listeners with the native dead-letter queue park what they cannot even read here.
                .DeadLetterQueueTopicName(Topics.DeadLetters)
                .ConfigureProducers(producer =>
                {
                    producer.Acks = Acks.All;
                    producer.EnableIdempotence = true;
                })
                .ConfigureConsumers(consumer =>
                {
                    consumer.GroupId = "referrals-service";
                    consumer.AutoOffsetReset = AutoOffsetReset.Earliest;
                    consumer.EnableAutoCommit = false;
                });
            // The dev broker (librdkafka's mock cluster) cannot create topics through the admin API; it
            // starts with them. Real clusters get them from this switch or from their own provisioning.
            if (autoProvision)
                transport.AutoProvision();
            if (avroOnTheWire)
                transport.UseAvroEventContracts();

            // cache.invalidate comes from other services too, as plain snake_case JSON without Wolverine's headers.
            options.ListenToKafkaTopic(Topics.CacheInvalidate).DefaultIncomingMessage<CacheInvalidate>()
                .ExtendConsumerConfiguration(consumer => consumer.GroupId = ConsumerGroup(Topics.CacheInvalidate));
            // Every holder gets it from Kafka; this service's own Redis entry is dropped right after the commit
            // through a local queue, so a reader sees the new state in milliseconds, not a Kafka round trip later.
            options.PublishMessage<CacheInvalidate>().ToKafkaTopic(Topics.CacheInvalidate);
            options.PublishMessage<CacheInvalidate>().ToLocalQueue("cache-invalidation");
        });

        return builder;
    }
}
