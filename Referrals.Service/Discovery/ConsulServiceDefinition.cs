using System.Text.Json.Serialization;

namespace Referrals.Service.Discovery;

/// <summary>The body of the agent's `PUT /v1/agent/service/register`, with Consul's own field names.</summary>
public sealed record ConsulServiceDefinition(
    [property: JsonPropertyName("ID")] string Id,
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Tags")] string[] Tags,
    [property: JsonPropertyName("Address")] string Address,
    [property: JsonPropertyName("Port")] int Port,
    [property: JsonPropertyName("Check")] ConsulHttpCheck Check)
{
    /// <summary>This instance as Consul should know it: the gRPC port, and an HTTP check on the liveness route.</summary>
    public static ConsulServiceDefinition For(ConsulSettings settings) => new(
        settings.ServiceId,
        ConsulSettings.ServiceName,
        settings.Tags,
        settings.ServiceAddress,
        settings.ServicePort,
        new ConsulHttpCheck(settings.HealthUrl, settings.CheckInterval, settings.CheckTimeout, settings.DeregisterCriticalServiceAfter));
}

public sealed record ConsulHttpCheck(
    [property: JsonPropertyName("HTTP")] string Http,
    [property: JsonPropertyName("Interval")] string Interval,
    [property: JsonPropertyName("Timeout")] string Timeout,
    [property: JsonPropertyName("DeregisterCriticalServiceAfter")] string DeregisterCriticalServiceAfter);
