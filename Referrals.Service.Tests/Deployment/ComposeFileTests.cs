using System.ComponentModel;
using System.Globalization;
using System.Diagnostics;
using Referrals.Service.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Referrals.Service.Tests.Deployment;

/// <summary>
/// deploy/compose.yaml as Debian's docker-compose normalizes it (`docker-compose config`): what it runs, where, with
/// which limits, variables and health checks, and that the replicas wait for the migration to succeed.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class ComposeFileTests
{
    private static readonly string ComposeFile = Path.Combine(Repository.Root, "deploy", "compose.yaml");

    private static readonly Dictionary<string, string> Secrets = new()
    {
        ["REFERRALS_OWNER_PASSWORD"] = "owner-password-for-the-test",
        ["REFERRALS_RUNTIME_PASSWORD"] = "runtime-password-for-the-test",
        ["SHOPIFY_APP_SECRET"] = "shopify-secret-for-the-test",
        ["AUTH_HOST"] = "auth:50051",
        ["CORE_HOST"] = "core:50051",
    };

    private static readonly string[] Replicas = ["referrals-1", "referrals-2"];

    [Fact]
    public async Task Postgres_15_listens_on_5434_and_redis_7_on_6379_without_eviction()
    {
        var services = (await ConfigAsync(Secrets)).Services;

        services.Map("postgres").Text("image").ShouldStartWith("postgres:15");
        PublishedPorts(services.Map("postgres")).ShouldContain((5434, 5434));
        services.Map("postgres").Texts("command").ShouldContain("port=5434");
        services.Map("redis").Text("image").ShouldStartWith("redis:7");
        PublishedPorts(services.Map("redis")).ShouldContain((6379, 6379));
        var redisCommand = services.Map("redis").Texts("command");
        redisCommand[redisCommand.ToList().IndexOf("--maxmemory-policy") + 1].ShouldBe("noeviction");
    }

    [Fact]
    public async Task Kafka_is_a_single_kraft_node_with_a_schema_registry_on_it()
    {
        var services = (await ConfigAsync(Secrets)).Services;
        var kafka = services.Map("kafka").Map("environment");
        var registry = services.Map("schema-registry");

        kafka.Text("KAFKA_PROCESS_ROLES").ShouldBe("broker,controller");
        kafka.Text("KAFKA_CONTROLLER_QUORUM_VOTERS").ShouldBe("1@kafka:9093");
        kafka.Text("KAFKA_ADVERTISED_LISTENERS").ShouldBe("PLAINTEXT://kafka:9092");
        registry.Text("image").ShouldStartWith("confluentinc/cp-schema-registry:");
        registry.Map("environment").Text("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS").ShouldBe("kafka:9092");
    }

    [Fact]
    public async Task Two_replicas_run_the_image_with_half_a_cpu_and_512_mib_and_are_checked_on_ready()
    {
        var services = (await ConfigAsync(Secrets)).Services;

        services.Keys().Where(name => services.Map(name).TextOrNull("image") == "referrals-service:latest" && !services.Map(name).Has("command"))
            .ShouldBe(Replicas, ignoreOrder: true);
        foreach (var replica in Replicas.Select(services.Map))
        {
            replica.Text("cpus").ShouldBe("0.5");
            replica.Text("mem_limit").ShouldBe("512m");
            PublishedPorts(replica).Select(port => port.Target).ShouldBe([50060, 8080], ignoreOrder: true);
            string.Join(' ', replica.Map("healthcheck").Texts("test")).ShouldContain("GET /ready HTTP/1.1");
        }
        PublishedPorts(services.Map("referrals-1")).ShouldBe([(50060, 50060), (8080, 8080)], ignoreOrder: true);
        PublishedPorts(services.Map("referrals-2")).Select(port => port.Published).ShouldNotContain(8080);
    }

    [Fact]
    public async Task The_replicas_start_only_after_the_migration_completed_successfully()
    {
        var services = (await ConfigAsync(Secrets)).Services;
        var migrate = services.Map("migrate");

        migrate.Text("image").ShouldBe("referrals-service:latest");
        migrate.Texts("command").ShouldBe(["migrate"]);
        migrate.Text("restart").ShouldBe("no");
        migrate.Map("environment").Text("REFERRALS_DB_USER").ShouldBe("referrals");
        migrate.Map("environment").Text("Database__RuntimePassword").ShouldBe(Secrets["REFERRALS_RUNTIME_PASSWORD"]);
        migrate.Map("depends_on").Map("postgres").Text("condition").ShouldBe("service_healthy");
        foreach (var replica in Replicas.Select(services.Map))
        {
            replica.Map("depends_on").Map("migrate").Text("condition").ShouldBe("service_completed_successfully");
            replica.Map("environment").Text("REFERRALS_DB_USER").ShouldBe("referrals_runtime");
            replica.Map("environment").Text("REFERRALS_DB_PASSWORD").ShouldBe(Secrets["REFERRALS_RUNTIME_PASSWORD"]);
        }
    }

    [Fact]
    public async Task Every_variable_given_to_the_service_is_one_it_reads_and_none_it_needs_is_missing()
    {
        var services = (await ConfigAsync(Secrets)).Services;

        foreach (var name in Replicas.Append("migrate"))
        {
            var environment = services.Map(name).Map("environment");
            environment.Keys().Where(variable => !DeploymentVariables.All.Contains(variable))
                .ShouldBeEmpty($"{name} sets variables the service does not read");
            DeploymentVariables.RequiredByReplicas.Except(environment.Keys()).ShouldBeEmpty($"{name} misses a variable");
            environment.Text("ASPNETCORE_ENVIRONMENT").ShouldBe("Production");
        }
    }

    [Fact]
    public async Task Prometheus_scrapes_both_replicas_with_the_repositorys_rules()
    {
        var prometheus = (await ConfigAsync(Secrets)).Services.Map("prometheus");
        var scrape = DeploymentYaml.Documents(await File.ReadAllTextAsync(
            Path.Combine(Repository.Root, "deploy", "compose.prometheus.yml"), TestContext.Current.CancellationToken))[0];

        var volumes = prometheus.Texts("volumes");
        volumes.ShouldContain($"{Path.Combine(Repository.Root, "deploy", "prometheus", "alerts.yml")}:/etc/prometheus/alerts.yml:ro");
        volumes.ShouldContain($"{Path.Combine(Repository.Root, "deploy", "compose.prometheus.yml")}:/etc/prometheus/prometheus.yml:ro");
        scrape.Texts("rule_files").ShouldBe(["/etc/prometheus/alerts.yml"]);
        var job = scrape.Seq("scrape_configs").ShouldHaveSingleItem();
        job.Text("metrics_path").ShouldBe("/metrics");
        job.Seq("static_configs").Single().Texts("targets").ShouldBe(Replicas.Select(replica => $"{replica}:8080"), ignoreOrder: true);
    }

    [Fact]
    public async Task Without_its_secrets_the_file_is_refused_naming_the_missing_one()
    {
        var (exitCode, output) = await RunConfigAsync(Secrets.Where(secret => secret.Key != "SHOPIFY_APP_SECRET").ToDictionary());

        exitCode.ShouldNotBe(0);
        output.ShouldContain("SHOPIFY_APP_SECRET");
    }

    private static async Task<(YamlMappingNode Root, YamlMappingNode Services)> ConfigAsync(IReadOnlyDictionary<string, string> environment)
    {
        var (exitCode, output) = await RunConfigAsync(environment);
        exitCode.ShouldBe(0, output);
        var root = DeploymentYaml.Documents(output)[0];
        return (root, root.Map("services"));
    }

    private static async Task<(int ExitCode, string Output)> RunConfigAsync(IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("docker-compose", ["--file", ComposeFile, "config"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(ComposeFile)!,
        };
        foreach (var name in Secrets.Keys)
            start.Environment.Remove(name);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("docker-compose is not installed: apt-get install -y docker-compose", e);
        }
        using (process)
        {
            var ct = TestContext.Current.CancellationToken;
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var errors = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            return (process.ExitCode, await output + await errors);
        }
    }

    private static List<(int Published, int Target)> PublishedPorts(YamlNode service) =>
        service.Seq("ports").Select(port => (int.Parse(port.Text("published"), CultureInfo.InvariantCulture),
            int.Parse(port.Text("target"), CultureInfo.InvariantCulture))).ToList();
}
