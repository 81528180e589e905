using System.Text.Json.Nodes;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Deployment;

/// <summary>
/// The committed aspire-manifest.json (kept equal to what the AppHost publishes by
/// <c>Foundation.AspireManifestTests</c>) describes production, not the dev stack.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class ProductionManifestTests
{
    private static readonly JsonObject Resources =
        JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "aspire-manifest.json")))!["resources"]!.AsObject();

    [Fact]
    public void No_dev_stub_is_deployed_only_the_service_and_its_migration()
    {
        var projects = Resources.Where(resource => Type(resource.Value) == "project.v0").ToList();

        projects.Select(project => project.Key).ShouldBe(["referrals-migrate", "referrals"], ignoreOrder: true);
        projects.ShouldAllBe(project => (string)project.Value!["path"]! == "Referrals.Service/Referrals.Service.csproj");
        Resources.Select(resource => resource.Key).ShouldNotContain(name => name.Contains("stub") || name == "kafka-broker");
    }

    [Fact]
    public void The_service_and_its_migration_run_as_production()
    {
        foreach (var name in new[] { "referrals", "referrals-migrate" })
            ((string?)Environment(name)["ASPNETCORE_ENVIRONMENT"]).ShouldBe("Production", name);
    }

    [Theory]
    [InlineData("AUTH_HOST", "auth-host")]
    [InlineData("CORE_HOST", "core-host")]
    [InlineData("Kafka__SchemaRegistryUrl", "schema-registry-url")]
    public void Other_services_addresses_are_deployment_parameters(string variable, string parameter)
    {
        foreach (var name in new[] { "referrals", "referrals-migrate" })
            ((string?)Environment(name)[variable]).ShouldBe($"{{{parameter}.value}}", name);
        Type(Resources[parameter]).ShouldBe("parameter.v0");
    }

    [Fact]
    public void Nothing_points_at_loopback()
    {
        var text = Resources.ToJsonString();

        text.ShouldNotContain("127.0.0.1");
        text.ShouldNotContain("localhost");
        text.ShouldNotContain("[::1]");
    }

    [Fact]
    public void The_service_listens_on_all_interfaces_with_http2_for_grpc_and_http1_for_webhooks()
    {
        var bindings = Resources["referrals"]!["bindings"]!;

        ((string?)bindings["grpc"]!["transport"]).ShouldBe("http2");
        ((int?)bindings["grpc"]!["targetPort"]).ShouldBe(50060);
        ((string?)bindings["http"]!["transport"]).ShouldBe("http");
        ((int?)bindings["http"]!["targetPort"]).ShouldBe(8080);
        ((string?)Environment("referrals")["Kestrel__Endpoints__Grpc__Url"]).ShouldBe("http://0.0.0.0:50060");
        ((string?)Environment("referrals")["Kestrel__Endpoints__Http__Url"]).ShouldBe("http://0.0.0.0:8080");
    }

    [Theory]
    [InlineData("postgres-password")]
    [InlineData("referrals-runtime-password")]
    [InlineData("shopify-app-secret")]
    public void Secrets_are_secret_parameters_without_a_value(string parameter)
    {
        var input = Resources[parameter]!["inputs"]!["value"]!;

        ((bool?)input["secret"]).ShouldBe(true);
        input["default"].ShouldBeNull();
    }

    [Fact]
    public void The_service_is_given_its_webhook_secret_and_runtime_password_only_as_secret_parameters()
    {
        ((string?)Environment("referrals")["Shopify__AppSecret"]).ShouldBe("{shopify-app-secret.value}");
        ((string?)Environment("referrals-migrate")["Database__RuntimePassword"]).ShouldBe("{referrals-runtime-password.value}");
        ((string?)Resources["referralsdb"]!["connectionString"]).ShouldEndWith("Password={referrals-runtime-password.value}");
    }

    private static string? Type(JsonNode? resource) => (string?)resource?["type"];

    private static JsonObject Environment(string resource) => Resources[resource]!["env"]!.AsObject();
}
