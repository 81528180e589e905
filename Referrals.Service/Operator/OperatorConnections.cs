using Confluent.Kafka;
using Marten;
using Referrals.Service.Messaging;
using Referrals.Service.Platform;
using Referrals.Service.Storage;

namespace Referrals.Service.Operator;

/// <summary>
/// What the operator commands connect to: the same Postgres and Kafka as the service, from the same settings
/// (Aspire connection strings ConnectionStrings__referralsdb / __kafka, or the seed's REFERRALS_DB_HOST,
/// REFERRALS_DB_USER, REFERRALS_DB_PASSWORD, REFERRALS_DB_NAME, KAFKA_BROKER), and the service's librdkafka settings
/// (Kafka__Client__*, <see cref="KafkaClientSettings"/>).
/// </summary>
public sealed class OperatorConnections
{
    private OperatorConnections(string database, string kafka, IConfiguration configuration) =>
        (Database, Kafka, Configuration) = (database, kafka, configuration);

    public string Database { get; }
    public string Kafka { get; }
    /// <summary>The environment the command runs with, as configuration.</summary>
    public IConfiguration Configuration { get; }

    public static OperatorConnections FromEnvironment()
    {
        var configuration = new ConfigurationManager();
        configuration.AddEnvironmentVariables();
        InfrastructureSettings.ApplySeedVariables(configuration);
        return From(configuration);
    }

    public static OperatorConnections From(IConfiguration configuration) =>
        new(
            InfrastructureSettings.Required(configuration, InfrastructureSettings.Database),
            InfrastructureSettings.Required(configuration, InfrastructureSettings.Kafka),
            configuration);

    /// <summary>A store with the service's document conventions, for the documents of <paramref name="schema"/> (a slice's).</summary>
    public IDocumentStore OpenStore(Action<StoreOptions> schema) => DocumentStore.For(options =>
    {
        options.Connection(Database);
        DocumentStorage.Conventions(options);
        schema(options);
    });

    /// <summary>An idempotent acks=all producer: a command's sends are acknowledged by every in-sync replica, once.</summary>
    public IProducer<byte[]?, byte[]?> CreateProducer(string clientId) =>
        new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig(KafkaClientSettings.From(Configuration))
        {
            BootstrapServers = Kafka,
            Acks = Acks.All,
            EnableIdempotence = true,
            ClientId = clientId,
        }).SetLogHandler((_, _) => { }).Build();
}
