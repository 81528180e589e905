namespace Referrals.Service.Platform;

/// <summary>
/// Where Postgres, Redis, Kafka and Auth are. Aspire hands over connection strings; a deployment without
/// Aspire sets the seed's variables instead (REFERRALS_DB_HOST, REFERRALS_REDIS_HOST, KAFKA_BROKER, AUTH_HOST).
/// Both end up as the same configuration keys, so the rest of the service reads one place.
/// </summary>
public static class InfrastructureSettings
{
    public const string Database = "referralsdb";
    public const string Redis = "redis";
    public const string Kafka = "kafka";
    public const string AuthAddressKey = "AUTH_HOST";
    public const string CoreAddressKey = "CORE_HOST";

    public static void ApplySeedVariables(IConfigurationManager configuration)
    {
        var fromSeed = new Dictionary<string, string?>();

        if (configuration.GetConnectionString(Database) is null && configuration["REFERRALS_DB_HOST"] is { Length: > 0 } dbHost)
        {
            var (host, port) = SplitHostPort(dbHost, 5434);
            fromSeed[$"ConnectionStrings:{Database}"] =
                $"Host={host};Port={port};Database={configuration["REFERRALS_DB_NAME"] ?? "referrals"};" +
                $"Username={configuration["REFERRALS_DB_USER"] ?? "referrals"};Password={configuration["REFERRALS_DB_PASSWORD"]}";
        }

        if (configuration.GetConnectionString(Redis) is null && configuration["REFERRALS_REDIS_HOST"] is { Length: > 0 } redisHost)
        {
            var (host, port) = SplitHostPort(redisHost, 6379);
            fromSeed[$"ConnectionStrings:{Redis}"] = $"{host}:{port}";
        }

        if (configuration.GetConnectionString(Kafka) is null && configuration["KAFKA_BROKER"] is { Length: > 0 } broker)
            fromSeed[$"ConnectionStrings:{Kafka}"] = broker;

        if (fromSeed.Count > 0)
            configuration.AddInMemoryCollection(fromSeed);
    }

    public static string Required(IConfiguration configuration, string connectionName) =>
        configuration.GetConnectionString(connectionName)
        ?? throw new InvalidOperationException(
            $"No connection string '{connectionName}'. Run through the AppHost, or set the seed's variables " +
            "(REFERRALS_DB_HOST, REFERRALS_REDIS_HOST, KAFKA_BROKER).");

    /// <summary>AUTH_HOST / CORE_HOST: a URL, or host:port of a plaintext gRPC endpoint.</summary>
    public static string RequiredAddress(IConfiguration configuration, string key)
    {
        var value = configuration[key] ?? throw new InvalidOperationException($"{key} is not set (the AppHost sets it).");
        return value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value;
    }

    private static (string Host, int Port) SplitHostPort(string value, int defaultPort)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value[(colon + 1)..], out var port)
            ? (value[..colon], port)
            : (value, defaultPort);
    }
}
