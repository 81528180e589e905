namespace Referrals.AppHost;

/// <summary>
/// Kafka for the two modes. containers: a single-node KRaft broker (Aspire.Hosting.Kafka is not available,
/// so this is the thin resource it would have been). local: the Kafka dev broker project, librdkafka's mock
/// cluster behind a fixed port — development and tests only, data in memory.
/// </summary>
public sealed class KafkaContainerResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    public const string ClientEndpointName = "tcp";

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{this.GetEndpoint(ClientEndpointName).Property(EndpointProperty.HostAndPort)}");
}

public static class KafkaResources
{
    public static IResourceBuilder<KafkaContainerResource> AddKafkaKraftContainer(
        this IDistributedApplicationBuilder builder, string name, int port, string advertisedHost) =>
        builder.AddResource(new KafkaContainerResource(name))
            .WithImage("apache/kafka", "3.9.1")
            .WithEndpoint(port: port, targetPort: 9092, name: KafkaContainerResource.ClientEndpointName, isProxied: false)
            .WithEnvironment("KAFKA_NODE_ID", "1")
            .WithEnvironment("KAFKA_PROCESS_ROLES", "broker,controller")
            .WithEnvironment("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9094")
            // The address clients are told to use: localhost for the dev machine, the resource's name in a deployment.
            .WithEnvironment("KAFKA_ADVERTISED_LISTENERS", $"PLAINTEXT://{advertisedHost}:" + PortText.Of(port))
            .WithEnvironment("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
            .WithEnvironment("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT")
            .WithEnvironment("KAFKA_CONTROLLER_QUORUM_VOTERS", $"1@{advertisedHost}:9094")
            .WithEnvironment("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
            .WithEnvironment("KAFKA_NUM_PARTITIONS", "6")
            .WithTcpHealthCheck(port);

    public static IResourceBuilder<ProjectResource> AddKafkaDevBroker(
        this IDistributedApplicationBuilder builder, string name, int port, int controlPort) =>
        builder.AddProject<Projects.Referrals_KafkaDevBroker>(name, options => options.ExcludeLaunchProfile = true)
            .WithArgs("--port", PortText.Of(port), "--control-port", PortText.Of(controlPort), "--partitions", "6")
            .WithHttpEndpoint(port: controlPort, targetPort: controlPort, name: "control", isProxied: false)
            .WithEnvironment(context => context.EnvironmentVariables.Remove("ASPNETCORE_URLS"))
            .WithTcpHealthCheck(port);
}
