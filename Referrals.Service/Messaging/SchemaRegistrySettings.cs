using Confluent.SchemaRegistry;

namespace Referrals.Service.Messaging;

/// <summary>
/// Confluent's registry client from configuration: `Kafka:SchemaRegistryUrl`, and every key under
/// `Kafka:SchemaRegistry` as the client's own setting without its `schema.registry.` prefix, `_` standing for '.'
/// as in <see cref="KafkaClientSettings"/>: `basic.auth.user.info` (user:password; the credentials source is then
/// USER_INFO unless set), `ssl.ca.location` (a PEM file for a private CA), `request.timeout.ms`, ...
/// </summary>
public static class SchemaRegistrySettings
{
    public const string UrlKey = "Kafka:SchemaRegistryUrl";
    public const string SectionKey = "Kafka:SchemaRegistry";

    private const string Prefix = "schema.registry.";

    /// <summary>The client's configuration, or null when no registry URL is set.</summary>
    public static SchemaRegistryConfig? From(IConfiguration configuration)
    {
        var url = configuration[UrlKey];
        if (string.IsNullOrWhiteSpace(url))
            return null;

        var config = new SchemaRegistryConfig();
        foreach (var (key, value) in configuration.GetSection(SectionKey).AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
                config.Set(Prefix + key.Replace(':', '.').Replace('_', '.').ToLowerInvariant(), value);
        }
        config.Url = url;
        if (config.BasicAuthUserInfo is not null && config.BasicAuthCredentialsSource is null)
            config.BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo;
        return config;
    }
}
