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
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name, options => options.ExcludeLaunchProfile = true)
            .WithEndpoint(port: port, targetPort: port, name: "grpc", scheme: "http", isProxied: false)
            .WithEnvironment("Kestrel__Endpoints__Grpc__Url", PortText.Loopback(port))
            .WithEnvironment(context => context.EnvironmentVariables.Remove("ASPNETCORE_URLS"))
            .WithTcpHealthCheck(port);
}
