namespace Referrals.AppHost;

public static class ResourceBuilderShortcuts
{
    /// <summary>Views a builder through its resource's wider interface, so both modes' resources fit one variable.</summary>
    public static IResourceBuilder<IResource> AsResource<T>(this IResourceBuilder<T> builder) where T : IResource =>
        builder.ApplicationBuilder.CreateResourceBuilder<IResource>(builder.Resource);

    public static IResourceBuilder<IResourceWithConnectionString> AsConnectionString<T>(this IResourceBuilder<T> builder)
        where T : IResourceWithConnectionString =>
        builder.ApplicationBuilder.CreateResourceBuilder<IResourceWithConnectionString>(builder.Resource);

    /// <summary>A gRPC dev stub of another team's service (development and tests only) on a fixed loopback port.</summary>
    public static IResourceBuilder<ProjectResource> AddDevStub<TProject>(this IDistributedApplicationBuilder builder, string name, int port)
        where TProject : IProjectMetadata, new()
    {
        var stub = builder.AddProject<TProject>(name, options => options.ExcludeLaunchProfile = true);
        // Aspire also turns the stub's own Kestrel configuration into endpoints, which DCP proxies; a proxy
        // listening on the fixed port takes it from the stub itself. The AppHost sets the stub's URLs, so
        // only the endpoints declared here remain.
        foreach (var inferred in stub.Resource.Annotations.OfType<EndpointAnnotation>().ToList())
            stub.Resource.Annotations.Remove(inferred);
        return stub
            .WithEndpoint(port: port, targetPort: port, name: "grpc", scheme: "http", isProxied: false)
            .WithLoopbackKestrelEndpoint("Grpc", port)
            .WithEnvironment(context => context.EnvironmentVariables.Remove("ASPNETCORE_URLS"))
            .WithTcpHealthCheck(port);
    }

    /// <summary>
    /// Binds a Kestrel endpoint of a project to loopback only. Aspire's own value for it (http://*:port) is
    /// dropped: a dev stub must not answer on every network interface.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLoopbackKestrelEndpoint(this IResourceBuilder<ProjectResource> project,
        string endpointName, int port) =>
        project.WithEnvironment(context =>
        {
            var key = $"Kestrel__Endpoints__{endpointName}__Url";
            foreach (var existing in context.EnvironmentVariables.Keys.Where(k => k.Equals(key, StringComparison.OrdinalIgnoreCase)).ToList())
                context.EnvironmentVariables.Remove(existing);
            context.EnvironmentVariables[key] = PortText.Loopback(port);
        });
}
