using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Referrals.AppHost;

/// <summary>local mode: the machine's redis-server, in memory only. Development and tests only.</summary>
public static class LocalRedis
{
    public static IResourceBuilder<ExecutableResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name, int port)
    {
        builder.Services.AddHealthChecks().AddRedis(ConnectionString(port), name: $"{name}-answers-ping");

        // noeviction: processed-event, rate-limit and blacklist keys must never be evicted to make room.
        return builder.AddExecutable(name, "redis-server", builder.AppHostDirectory,
                "--port", PortText.Of(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--maxmemory-policy", "noeviction")
            .WithHealthCheck($"{name}-answers-ping")
            .WithIconName("DatabaseLightning");
    }

    public static string ConnectionString(int port) => "127.0.0.1:" + PortText.Of(port);
}
