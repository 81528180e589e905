namespace Referrals.AppHost;

/// <summary>
/// The other teams' services the service calls (Auth, Core) and, when publishing, the schema registry: dev stubs on
/// loopback for F5 and the tests (with the dev schema registry), deployment parameters in the published manifest.
/// </summary>
public sealed record Callees(
    IReadOnlyList<IResourceBuilder<IResource>> Stubs,
    Action<IResourceBuilder<ProjectResource>> Apply);

public static class DevCallees
{
    public static Callees Add(IDistributedApplicationBuilder builder, StackPorts ports)
    {
        var auth = builder.AddDevStub<Projects.Referrals_DevStubs_Auth>("auth-stub", ports.Auth);
        var core = builder.AddDevStub<Projects.Referrals_DevStubs_Core>("core-stub", ports.Core)
            .WithHttpEndpoint(port: ports.CoreControl, targetPort: ports.CoreControl, name: "control", isProxied: false)
            .WithLoopbackKestrelEndpoint("Control", ports.CoreControl);
        // Confluent's registry API in memory: Avro on the wire is then one setting,
        // Referrals:Service:Kafka:WireFormat=avro. Not waited for: the service needs it only for an Avro event,
        // and an unreachable registry holds that event in the outbox.
        builder.AddDevSchemaRegistry("schema-registry", ports.SchemaRegistry);
        return new Callees([auth.AsResource(), core.AsResource()],
            project => project
                .WithEnvironment("AUTH_HOST", PortText.Loopback(ports.Auth))
                .WithEnvironment("CORE_HOST", PortText.Loopback(ports.Core))
                .WithEnvironment("Kafka__SchemaRegistryUrl", PortText.Loopback(ports.SchemaRegistry)));
    }
}

public static class ProductionCallees
{
    public static Callees From(IDistributedApplicationBuilder builder)
    {
        var authHost = builder.AddParameter("auth-host");
        var coreHost = builder.AddParameter("core-host");
        var schemaRegistry = builder.AddParameter("schema-registry-url");
        return new Callees([],
            project => project
                .WithEnvironment("AUTH_HOST", authHost)
                .WithEnvironment("CORE_HOST", coreHost)
                .WithEnvironment("Kafka__SchemaRegistryUrl", schemaRegistry));
    }
}

public static class CalleeShortcuts
{
    public static IResourceBuilder<ProjectResource> WithCallees(this IResourceBuilder<ProjectResource> project, Callees callees)
    {
        callees.Apply(project);
        return project;
    }
}
