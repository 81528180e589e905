using Microsoft.Extensions.Configuration;

namespace Referrals.AppHost;

/// <summary>
/// The fixed ports of the stack (ARCHITECTURE.md). `Referrals:Ports:&lt;Name&gt;` overrides one, so a test run
/// can stand beside a running dev stack. SecondGrpc and SecondHttp are the second service instance's
/// (`Referrals:ServiceInstances` = 2), AvroGrpc and AvroHttp the Avro-writing test instance's
/// (`Referrals:AvroServiceInstance`). SchemaRegistry is the dev schema registry's.
/// </summary>
public sealed record StackPorts(int Grpc, int Http, int Postgres, int Redis, int Kafka, int KafkaControl,
    int Auth, int Core, int CoreControl, int Prometheus, int SecondGrpc, int SecondHttp, int SchemaRegistry,
    int AvroGrpc, int AvroHttp)
{
    public static StackPorts From(IConfiguration configuration)
    {
        int Port(string name, int fallback) => configuration.GetValue($"Referrals:Ports:{name}", fallback);
        return new StackPorts(
            Grpc: Port(nameof(Grpc), 50060),
            Http: Port(nameof(Http), 8080),
            Postgres: Port(nameof(Postgres), 5434),
            Redis: Port(nameof(Redis), 6379),
            Kafka: Port(nameof(Kafka), 9092),
            KafkaControl: Port(nameof(KafkaControl), 9093),
            Auth: Port(nameof(Auth), 50061),
            Core: Port(nameof(Core), 50062),
            CoreControl: Port(nameof(CoreControl), 50063),
            Prometheus: Port(nameof(Prometheus), 9090),
            SecondGrpc: Port(nameof(SecondGrpc), 50070),
            SecondHttp: Port(nameof(SecondHttp), 8090),
            SchemaRegistry: Port(nameof(SchemaRegistry), 8081),
            AvroGrpc: Port(nameof(AvroGrpc), 50080),
            AvroHttp: Port(nameof(AvroHttp), 8083));
    }
}

public static class PortText
{
    public static string Of(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Loopback(int port) => "http://127.0.0.1:" + Of(port);
}
