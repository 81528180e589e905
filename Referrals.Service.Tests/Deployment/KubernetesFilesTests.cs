using Referrals.Service.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Referrals.Service.Tests.Deployment;

/// <summary>deploy/k8s/: the Deployment, Service, ConfigMap, Secret, migration Job and PodDisruptionBudget, as parsed YAML.</summary>
[Trait("Tier", "Unit")]
public sealed class KubernetesFilesTests
{
    private static readonly string Folder = Path.Combine(Repository.Root, "deploy", "k8s");

    private static readonly IReadOnlyList<YamlMappingNode> Objects = Directory.EnumerateFiles(Folder, "*.yaml")
        .Where(file => Path.GetFileName(file) != "kustomization.yaml")
        .SelectMany(file => DeploymentYaml.Documents(File.ReadAllText(file)))
        .ToList();

    [Fact]
    public void The_kustomization_applies_every_file_of_the_folder()
    {
        var kustomization = DeploymentYaml.Documents(File.ReadAllText(Path.Combine(Folder, "kustomization.yaml")))[0];

        kustomization.Texts("resources").ShouldBe(Directory.EnumerateFiles(Folder, "*.yaml").Select(Path.GetFileName)
            .Where(name => name != "kustomization.yaml"), ignoreOrder: true);
        Objects.Select(o => o.Text("kind")).ShouldBe(
            ["ConfigMap", "Deployment", "Job", "PodDisruptionBudget", "Secret", "Service"], ignoreOrder: true);
    }

    [Fact]
    public void Two_replicas_are_live_on_health_ready_on_ready_with_half_a_cpu_and_512_mib()
    {
        var deployment = Single("Deployment");
        var container = Container(deployment);

        deployment.Map("spec").Text("replicas").ShouldBe("2");
        container.Text("image").ShouldBe("referrals-service:latest");
        container.Map("livenessProbe").Map("httpGet").Text("path").ShouldBe("/health");
        container.Map("readinessProbe").Map("httpGet").Text("path").ShouldBe("/ready");
        container.Map("livenessProbe").Map("httpGet").Text("port").ShouldBe("http");
        ShouldBeHalfACpuAnd512Mib(container);
        container.Seq("ports").Select(port => (port.Text("name"), port.Text("containerPort")))
            .ShouldBe([("grpc", "50060"), ("http", "8080")], ignoreOrder: true);
    }

    [Fact]
    public void The_service_and_the_migration_run_as_non_root_on_a_read_only_root_with_an_empty_dir_for_tmp()
    {
        foreach (var workload in new[] { Single("Deployment"), Single("Job") })
        {
            var pod = workload.Map("spec").Map("template").Map("spec");
            var container = Container(workload);

            pod.Map("securityContext").Text("runAsNonRoot").ShouldBe("true");
            pod.Map("securityContext").Text("runAsUser").ShouldBe("1654");
            container.Map("securityContext").Text("readOnlyRootFilesystem").ShouldBe("true");
            container.Map("securityContext").Text("allowPrivilegeEscalation").ShouldBe("false");
            var tmp = container.Seq("volumeMounts").ShouldHaveSingleItem();
            tmp.Text("mountPath").ShouldBe("/tmp");
            pod.Seq("volumes").Single(volume => volume.Text("name") == tmp.Text("name")).Has("emptyDir").ShouldBeTrue();
        }
    }

    [Fact]
    public void The_service_exposes_grpc_on_50060_and_http_on_8080_of_the_replicas()
    {
        var service = Single("Service");
        var podLabels = Single("Deployment").Map("spec").Map("template").Map("metadata").Map("labels");

        service.Map("spec").Seq("ports").Select(port => (port.Text("name"), port.Text("port"), port.Text("targetPort")))
            .ShouldBe([("grpc", "50060", "grpc"), ("http", "8080", "http")], ignoreOrder: true);
        foreach (var label in service.Map("spec").Map("selector").Keys())
            podLabels.Text(label).ShouldBe(service.Map("spec").Map("selector").Text(label));
    }

    [Fact]
    public void The_migration_job_runs_the_image_with_migrate_as_the_owner_once()
    {
        var job = Single("Job");
        var container = Container(job);

        container.Text("image").ShouldBe(Container(Single("Deployment")).Text("image"));
        container.Texts("args").ShouldBe(["migrate"]);
        job.Map("spec").Map("template").Map("spec").Text("restartPolicy").ShouldBe("Never");
        SecretKeyOf(container, "REFERRALS_DB_USER").ShouldBe("REFERRALS_OWNER_USER");
        SecretKeyOf(container, "REFERRALS_DB_PASSWORD").ShouldBe("REFERRALS_OWNER_PASSWORD");
        SecretKeyOf(container, "Database__RuntimePassword").ShouldBe(SecretKeyOf(Container(Single("Deployment")), "REFERRALS_DB_PASSWORD"));
        ShouldBeHalfACpuAnd512Mib(container);
    }

    [Fact]
    public void A_disruption_keeps_at_least_one_replica()
    {
        var budget = Single("PodDisruptionBudget").Map("spec");

        budget.Text("minAvailable").ShouldBe("1");
        budget.Map("selector").Map("matchLabels").Text("app.kubernetes.io/name")
            .ShouldBe(Single("Deployment").Map("spec").Map("selector").Map("matchLabels").Text("app.kubernetes.io/name"));
    }

    [Fact]
    public void Every_variable_is_one_the_service_reads_and_the_replicas_miss_none_they_need()
    {
        var configMap = Single("ConfigMap");
        var secretKeys = Single("Secret").Map("stringData").Keys();

        foreach (var workload in new[] { Single("Deployment"), Single("Job") })
        {
            var container = Container(workload);
            container.Seq("envFrom").Select(source => source.Map("configMapRef").Text("name")).ShouldBe([configMap.Map("metadata").Text("name")]);
            var variables = configMap.Map("data").Keys().Concat(container.Seq("env").Select(variable => variable.Text("name"))).ToList();

            variables.Where(variable => !DeploymentVariables.All.Contains(variable)).ShouldBeEmpty("variables the service does not read");
            DeploymentVariables.RequiredByReplicas.Except(variables).ShouldBeEmpty("variables the service needs");
            variables.ShouldBeUnique();
            foreach (var variable in container.Seq("env"))
                secretKeys.ShouldContain(variable.Map("valueFrom").Map("secretKeyRef").Text("key"));
        }
        configMap.Map("data").Text("ASPNETCORE_ENVIRONMENT").ShouldBe("Production");
    }

    private static YamlMappingNode Single(string kind) => Objects.Single(o => o.Text("kind") == kind);

    private static YamlNode Container(YamlNode workload) =>
        workload.Map("spec").Map("template").Map("spec").Seq("containers").ShouldHaveSingleItem();

    private static string SecretKeyOf(YamlNode container, string variable) =>
        container.Seq("env").Single(env => env.Text("name") == variable).Map("valueFrom").Map("secretKeyRef").Text("key");

    private static void ShouldBeHalfACpuAnd512Mib(YamlNode container)
    {
        foreach (var bound in new[] { "requests", "limits" })
        {
            container.Map("resources").Map(bound).Text("cpu").ShouldBe("500m");
            container.Map("resources").Map(bound).Text("memory").ShouldBe("512Mi");
        }
    }
}
