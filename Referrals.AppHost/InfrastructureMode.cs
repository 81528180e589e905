using System.Diagnostics;

namespace Referrals.AppHost;

/// <summary>
/// containers: Postgres, Redis and Kafka run as containers. local: the machine's own postgres and
/// redis-server and the Kafka dev broker run as plain processes (machines without a container runtime).
/// Picked by asking the container runtime; `Referrals:InfrastructureMode` (env Referrals__InfrastructureMode)
/// overrides. Publishing a manifest always describes the containers deployment.
/// </summary>
public enum InfrastructureMode { Containers, Local }

public static class InfrastructureModeDetection
{
    public static InfrastructureMode Pick(IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
            return InfrastructureMode.Containers;

        return builder.Configuration["Referrals:InfrastructureMode"]?.ToLowerInvariant() switch
        {
            "local" => InfrastructureMode.Local,
            "containers" => InfrastructureMode.Containers,
            null or "" or "auto" => ContainerRuntimeAnswers() ? InfrastructureMode.Containers : InfrastructureMode.Local,
            var other => throw new InvalidOperationException(
                $"Referrals:InfrastructureMode '{other}' is not one of auto, local, containers."),
        };
    }

    private static bool ContainerRuntimeAnswers()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (docker is null)
                return false;
            if (!docker.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                docker.Kill();
                return false;
            }
            return docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no docker client at all
        }
    }
}
