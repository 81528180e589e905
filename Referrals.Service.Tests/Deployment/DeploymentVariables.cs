extern alias service;

using service::Referrals.Service.Messaging;
using service::Referrals.Service.Platform;
using service::Referrals.Service.Storage;
using service::Referrals.Service.Webhooks;

namespace Referrals.Service.Tests.Deployment;

/// <summary>
/// Every environment variable deploy/compose.yaml and deploy/k8s may set: the one list both files are checked
/// against, itself checked against what the service reads (<see cref="DeploymentVariablesTests"/>).
/// </summary>
public static class DeploymentVariables
{
    /// <summary>The seed's variables, which <see cref="InfrastructureSettings.ApplySeedVariables"/> turns into connection strings.</summary>
    public static readonly string[] Seed =
        ["REFERRALS_DB_HOST", "REFERRALS_DB_NAME", "REFERRALS_DB_USER", "REFERRALS_DB_PASSWORD", "REFERRALS_REDIS_HOST", "KAFKA_BROKER"];

    /// <summary>Configuration keys of the service, named by its own constants, as environment variables.</summary>
    public static readonly string[] ServiceKeys =
    [
        InfrastructureSettings.AuthAddressKey,
        InfrastructureSettings.CoreAddressKey,
        EnvironmentName(ShopifyAppSecrets.CurrentKey),
        EnvironmentName(ShopifyAppSecrets.PreviousKey),
        EnvironmentName(DatabaseMigration.RuntimePasswordKey),
        EnvironmentName(KafkaEventContracts.SchemaRegistryUrlKey),
        EnvironmentName(AutoProvisionKey),
    ];

    /// <summary>Read by ASP.NET Core itself: the environment, and the URLs of the endpoints appsettings.json names.</summary>
    public static readonly string[] Framework =
        ["ASPNETCORE_ENVIRONMENT", "Kestrel__Endpoints__Grpc__Url", "Kestrel__Endpoints__Http__Url"];

    /// <summary>A literal in MessagingSetup (no constant): the tests find it in the service's source.</summary>
    public const string AutoProvisionKey = "Kafka:AutoProvision";

    public static IReadOnlySet<string> All { get; } = Seed.Concat(ServiceKeys).Concat(Framework).ToHashSet(StringComparer.Ordinal);

    /// <summary>What every replica must be given: without one of these it does not start or cannot accept.</summary>
    public static readonly string[] RequiredByReplicas =
    [
        "ASPNETCORE_ENVIRONMENT", "REFERRALS_DB_HOST", "REFERRALS_DB_USER", "REFERRALS_DB_PASSWORD", "REFERRALS_REDIS_HOST",
        "KAFKA_BROKER", InfrastructureSettings.AuthAddressKey, InfrastructureSettings.CoreAddressKey,
        EnvironmentName(ShopifyAppSecrets.CurrentKey),
    ];

    public static string EnvironmentName(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);
}
