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
}
