using System.Text.Json;
using Confluent.Kafka;
using JasperFx.OpenTelemetry;
using Marten;
using Npgsql;
using OpenTelemetry.Metrics;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Kafka;
using Referrals.Service.Correlation;
using Referrals.Service.Platform;
using Referrals.Service.Storage;

namespace Referrals.Service.Messaging;

/// <summary>
/// Wolverine runs every handler, with Marten (<see cref="Storage.DocumentStorage"/>) as its transactional inbox and
/// outbox and Kafka as the transport: an event leaves only if the state change that caused it committed.
/// </summary>
public static class MessagingSetup
{
    /// <summary>
    /// One consumer group per consumed topic: listeners that share a group rebalance each other every time one of
    /// them joins or leaves, pausing topics that have nothing to do with the change.
    /// </summary>
    public static string ConsumerGroup(string topic) => $"referrals-service.{topic}";

    public const string ServiceName = "referrals";

    /// <summary>
    /// Wolverine's own meter, <c>Wolverine:{ServiceName}</c>: execution time and failures, messages sent, received,
    /// succeeded and dead-lettered, and the durability gauges <c>wolverine-inbox-count</c>, <c>wolverine-outbox-count</c>,
    /// <c>wolverine-scheduled-count</c> (rows of the inbox and outbox tables, recounted every
    /// <c>Durability.UpdateMetricsPeriod</c>). Those three count the whole message store, so, like
    /// <c>referrals_dlq_size_total</c>, every instance reports the same value: aggregate with <c>max()</c>, never <c>sum()</c>.
    /// </summary>
    public const string WolverineMeterName = "Wolverine:" + ServiceName;

    public static WebApplicationBuilder AddReferralsMessaging(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka");
        builder.Services.AddSingleton<KafkaHealthCheck>();

        var kafka = InfrastructureSettings.Required(builder.Configuration, InfrastructureSettings.Kafka);
        var autoProvision = builder.Configuration.GetValue<bool>("Kafka:AutoProvision");
        var avroOnTheWire = builder.AddSchemaRegistryWhenConfigured();

        // Marten's connection spans (marten.connection) show a session's database work inside the request or handler.
        builder.Services.ConfigureMarten(options => options.OpenTelemetry.TrackConnections = TrackLevel.Normal);
        builder.AddServiceMeter(WolverineMeterName);
        builder.Services.AddSingleton<ClusterSingletons>();
        builder.AddServiceMeter(ClusterSingletons.MeterName);
        // Wolverine tags every per-message instrument with the tenant, here the shop: one series per shop per message
        // type (times ~15 buckets for the histograms) is more than Prometheus should hold. Kept: what ran, where, how it failed.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddView(instrument =>
            instrument.Meter.Name == WolverineMeterName
                ? new MetricStreamConfiguration
                {
                    TagKeys = [MetricsConstants.MessageTypeKey, MetricsConstants.MessageDestinationKey, MetricsConstants.ExceptionType],
                }
                : null));
        var backlogRefresh = TimeSpan.FromSeconds(builder.Configuration.GetValue("Wolverine:BacklogRefreshSeconds", 5.0));

        builder.Services.AddHostedService<DormantNodeSweep>();
        builder.Host.UseWolverine(options =>
        {
            options.ServiceName = ServiceName;
            options.Durability.DurabilityMetricsEnabled = true;
            options.Durability.UpdateMetricsPeriod = backlogRefresh;
            ClusterDurability.Apply(options.Durability, builder.Configuration);
            options.UseRuntimeCompilation();
            options.UseSystemTextJsonForSerialization(json =>
            {
                json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
                json.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
            });

            // Tracing: Wolverine's spans are on per endpoint by default and carry the trace context in every envelope
            // (durable local queue, outbox, Kafka headers); its node-assignment health check would be a root span
            // every few seconds, so it is off (BackgroundSpanFilter in ServiceDefaults drops the rest of the polling).
            options.Durability.NodeAssignmentHealthCheckTracingEnabled = false;

            options.Policies.AutoApplyTransactions();
            options.Policies.UseDurableLocalQueues();
            options.Policies.UseDurableInboxOnAllListeners();
            options.Policies.UseDurableOutboxOnAllSendingEndpoints();
            options.Policies.AddMiddleware(typeof(CorrelationForMessages));
            // Wolverine's middleware policy goes first whenever it is registered, so this one sees every middleware.
            options.Policies.Add(new CommitMiddlewareSessionWrites());
            // A message nobody handles is a dead letter too, not a log line.
            options.UnknownMessageBehavior = UnknownMessageBehavior.DeadLetterQueue;

            // Transient faults (Postgres away or busy, a timeout) get three tries with growing pauses; what still fails is
            // a dead letter. Postgres answering no (a refusal, a constraint) is not retried: in the handler's transaction
            // it aborted, a retry would only meet 25P02.
            options.Policies.OnException(StorageOutage.IsTransient)
                .RetryWithCooldown(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));

            var transport = options.UseKafka(kafka);
            // Security and connection settings first (Kafka:Client); the service's own settings below win.
            KafkaClientSettings.ApplyTo(options, builder.Configuration);
            transport.ConfigureClient(client => client.ClientId = "referrals-service")
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
                    // A killed instance's partitions go to the survivor once the group gives up on it: seconds, not
                    // librdkafka's default 45 s (ClusterDurability).
                    consumer.SessionTimeoutMs = ClusterDurability.KafkaSessionTimeoutMs;
                    consumer.HeartbeatIntervalMs = ClusterDurability.KafkaHeartbeatIntervalMs;
                })
                // Every listener's consumer commits again what a rebalance kept from landing.
                .ConfigureConsumerBuilders(consumer => UnlandedOffsets.Watch(consumer, TimeSpan.FromSeconds(5)));
            // The dev broker (librdkafka's mock cluster) cannot create topics through the admin API; it
            // starts with them. Real clusters get them from this switch or from their own provisioning.
            if (autoProvision)
                transport.AutoProvision();
            if (avroOnTheWire)
                transport.UseAvroEventContracts();
        });

        return builder;
    }
}
