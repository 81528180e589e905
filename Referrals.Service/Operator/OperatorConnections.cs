using System.Text.Json;
using System.Text.Json.Serialization;
using JasperFx;
using Marten;
using Weasel.Core;
using Referrals.Service.Platform;
using Referrals.Service.Storage;

namespace Referrals.Service.Operator;

/// <summary>
/// What the operator commands connect to: the same Postgres and Kafka as the service, from the same settings
/// (Aspire connection strings ConnectionStrings__referralsdb / __kafka, or the seed's REFERRALS_DB_HOST,
/// REFERRALS_DB_USER, REFERRALS_DB_PASSWORD, REFERRALS_DB_NAME, KAFKA_BROKER).
/// </summary>
public sealed class OperatorConnections
{
    private OperatorConnections(string database, string kafka) => (Database, Kafka) = (database, kafka);

    public string Database { get; }
    public string Kafka { get; }

    public static OperatorConnections FromEnvironment()
    {
        var configuration = new ConfigurationManager();
        configuration.AddEnvironmentVariables();
        InfrastructureSettings.ApplySeedVariables(configuration);
        return new OperatorConnections(
            InfrastructureSettings.Required(configuration, InfrastructureSettings.Database),
            InfrastructureSettings.Required(configuration, InfrastructureSettings.Kafka));
    }

    /// <summary>A store with the service's document conventions, for the documents of <paramref name="schema"/> (a slice's).</summary>
    public IDocumentStore OpenStore(Action<StoreOptions> schema) => DocumentStore.For(options =>
    {
        options.Connection(Database);
        options.DatabaseSchemaName = DocumentStorage.Schema;
        options.UseSystemTextJsonForSerialization(enumStorage: EnumStorage.AsString, casing: Casing.SnakeCase,
            configure: json => json.Converters.Insert(0, new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)));
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        schema(options);
    });
}
