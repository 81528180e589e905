using Microsoft.Extensions.DependencyInjection;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Referrals.AppHost;

/// <summary>Healthy when something accepts TCP connections on a loopback port (the gRPC dev stubs, the Kafka broker).</summary>
public sealed class TcpPortHealthCheck(int port) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"nothing accepts connections on 127.0.0.1:{port}");
        }
    }
}

public static class TcpPortHealthCheckExtensions
{
    public static IResourceBuilder<T> WithTcpHealthCheck<T>(this IResourceBuilder<T> resource, int port) where T : IResource
    {
        var name = $"{resource.Resource.Name}-accepts-tcp";
        resource.ApplicationBuilder.Services.AddHealthChecks().AddCheck(name, new TcpPortHealthCheck(port));
        return resource.WithHealthCheck(name);
    }
}
