namespace Referrals.AppHost;

/// <summary>
/// The dev schema registry (Referrals.DevStubs.SchemaRegistry): Confluent's REST API in memory, development and tests
/// only. A deployment names its own registry through Kafka__SchemaRegistryUrl.
/// </summary>
public static class SchemaRegistryResources
{
    public static IResourceBuilder<ProjectResource> AddDevSchemaRegistry(this IDistributedApplicationBuilder builder, string name, int port)
    {
        var registry = builder.AddProject<Projects.Referrals_DevStubs_SchemaRegistry>(name, options => options.ExcludeLaunchProfile = true);
        // Only the endpoint declared here, on its fixed loopback port (see AddDevStub).
        foreach (var inferred in registry.Resource.Annotations.OfType<EndpointAnnotation>().ToList())
            registry.Resource.Annotations.Remove(inferred);
        return registry
            .WithHttpEndpoint(port: port, targetPort: port, name: "http", isProxied: false)
            .WithLoopbackKestrelEndpoint("Http", port)
            .WithEnvironment(context => context.EnvironmentVariables.Remove("ASPNETCORE_URLS"))
            .WithHttpHealthCheck("/subjects", endpointName: "http");
    }

    /// <summary>
    /// The service's Kafka__SchemaRegistryUrl is the dev registry, when there is one (run mode). No WaitFor: the service
    /// needs the registry only for an Avro event, and an unreachable one holds it in the outbox.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDevSchemaRegistry(this IResourceBuilder<ProjectResource> service,
        IResourceBuilder<ProjectResource>? registry, int port) =>
        registry is null
            ? service
            : service.WithEnvironment("Kafka__SchemaRegistryUrl", PortText.Loopback(port));
}
