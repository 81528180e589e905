namespace Referrals.Service.Discovery;

/// <summary>
/// Registration with the local Consul agent (`Consul:Address`, e.g. http://127.0.0.1:8500); off unless set.
/// `Consul:Token` (ACL token, sent as X-Consul-Token), `Consul:ServiceId` (default referrals-{host}-{gRPC port}, unique
/// per instance), `Consul:ServiceAddress` (default the host name), `Consul:ServicePort` (default the gRPC endpoint's
/// port), `Consul:HealthUrl` (default http://{address}:{HTTP port}/health), `Consul:Tags`, `Consul:CheckInterval` (10s),
/// `Consul:CheckTimeout` (5s), `Consul:DeregisterCriticalServiceAfter` (1m), in Consul's duration syntax.
/// </summary>
public sealed record ConsulSettings(
    Uri Address,
    string? Token,
    string ServiceId,
    string ServiceAddress,
    int ServicePort,
    string[] Tags,
    string HealthUrl,
    string CheckInterval,
    string CheckTimeout,
    string DeregisterCriticalServiceAfter)
{
    public const string Section = "Consul";
    public const string ServiceName = "referrals";

    public static ConsulSettings? From(IConfiguration configuration)
    {
        var consul = configuration.GetSection(Section);
        if (consul["Address"] is not { Length: > 0 } address)
            return null;

        var serviceAddress = Setting(consul, "ServiceAddress") ?? Environment.MachineName;
        var servicePort = consul.GetValue<int?>("ServicePort") ?? PortOf(configuration["Kestrel:Endpoints:Grpc:Url"], 50060);
        var httpPort = PortOf(configuration["Kestrel:Endpoints:Http:Url"], 8080);
        var tags = consul.GetSection("Tags").Get<string[]>();
        return new ConsulSettings(
            new Uri(address),
            Setting(consul, "Token"),
            Setting(consul, "ServiceId") ?? $"{ServiceName}-{serviceAddress}-{servicePort}",
            serviceAddress,
            servicePort,
            tags is { Length: > 0 } ? tags : ["grpc"],
            Setting(consul, "HealthUrl") ?? $"http://{serviceAddress}:{httpPort}/health",
            Setting(consul, "CheckInterval") ?? "10s",
            Setting(consul, "CheckTimeout") ?? "5s",
            Setting(consul, "DeregisterCriticalServiceAfter") ?? "1m");
    }

    private static string? Setting(IConfigurationSection section, string key) => section[key] is { Length: > 0 } value ? value : null;

    // Kestrel URLs may name a wildcard host (http://*:50060, http://0.0.0.0:50060) that Uri does not parse: only the port counts.
    private static int PortOf(string? url, int fallback)
    {
        var colon = url?.TrimEnd('/').LastIndexOf(':') ?? -1;
        return colon > 0 && int.TryParse(url![(colon + 1)..].TrimEnd('/'), out var port) ? port : fallback;
    }
}
