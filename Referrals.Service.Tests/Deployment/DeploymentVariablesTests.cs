extern alias service;

using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Referrals.Service.Tests.Infrastructure;
using service::Referrals.Service.Platform;

namespace Referrals.Service.Tests.Deployment;

/// <summary>The list the deployment files are checked against names only what the service really reads.</summary>
[Trait("Tier", "Unit")]
public sealed class DeploymentVariablesTests
{
    [Fact]
    public void The_seed_variables_become_the_services_connection_strings()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["REFERRALS_DB_HOST"] = "db.example:6543",
            ["REFERRALS_DB_NAME"] = "name-from-seed",
            ["REFERRALS_DB_USER"] = "user-from-seed",
            ["REFERRALS_DB_PASSWORD"] = "password-from-seed",
            ["REFERRALS_REDIS_HOST"] = "redis.example:6380",
            ["KAFKA_BROKER"] = "kafka.example:9093",
        });

        InfrastructureSettings.ApplySeedVariables(configuration);

        configuration.GetConnectionString(InfrastructureSettings.Database)
            .ShouldBe("Host=db.example;Port=6543;Database=name-from-seed;Username=user-from-seed;Password=password-from-seed");
        configuration.GetConnectionString(InfrastructureSettings.Redis).ShouldBe("redis.example:6380");
        configuration.GetConnectionString(InfrastructureSettings.Kafka).ShouldBe("kafka.example:9093");
        DeploymentVariables.Seed.ShouldBe(["REFERRALS_DB_HOST", "REFERRALS_DB_NAME", "REFERRALS_DB_USER", "REFERRALS_DB_PASSWORD",
            "REFERRALS_REDIS_HOST", "KAFKA_BROKER"], ignoreOrder: true);
    }

    [Fact]
    public void The_key_without_a_constant_is_read_by_the_service()
    {
        var source = Directory.EnumerateFiles(Path.Combine(Repository.Root, "Referrals.Service"), "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText);

        source.ShouldContain(text => text.Contains($"\"{DeploymentVariables.AutoProvisionKey}\"", StringComparison.Ordinal));
    }

    [Fact]
    public void The_kestrel_urls_override_endpoints_the_service_configures()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "Referrals.Service", "appsettings.json")));
        var endpoints = settings.RootElement.GetProperty("Kestrel").GetProperty("Endpoints");

        foreach (var variable in DeploymentVariables.Framework.Where(name => name.StartsWith("Kestrel__", StringComparison.Ordinal)))
        {
            var endpoint = variable.Split("__")[2];
            endpoints.TryGetProperty(endpoint, out var configured).ShouldBeTrue($"{variable}: appsettings.json has no endpoint {endpoint}");
            configured.TryGetProperty("Url", out _).ShouldBeTrue();
        }
    }
}
