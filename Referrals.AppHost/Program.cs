using Microsoft.Extensions.Configuration;
using Referrals.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
var ports = StackPorts.From(builder.Configuration);
var mode = InfrastructureModeDetection.Pick(builder);
var postgresPassword = builder.Configuration["Referrals:PostgresPassword"] ?? "referrals-dev-password";
// The service's own login (README, "Database"): the migration creates it and sets this password.
var runtimePassword = builder.AddParameter("referrals-runtime-password",
    builder.Configuration["Referrals:RuntimePassword"] ?? "referrals-runtime-dev-password", secret: true);

IResourceBuilder<IResourceWithConnectionString> ownerDatabase, database, redis, kafka;
IResourceBuilder<IResource> postgresServer, redisServer, kafkaBroker;

if (mode == InfrastructureMode.Local)
{
    var dataDirectory = builder.Configuration["Referrals:LocalDataDirectory"]
        ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".local", "postgres"));

    var localPostgres = builder.AddLocalPostgres("postgres", dataDirectory, ports.Postgres, postgresPassword);
    var localRedis = builder.AddLocalRedis("redis-server", ports.Redis);
    var devBroker = builder.AddKafkaDevBroker("kafka-broker", ports.Kafka, ports.KafkaControl);

    ownerDatabase = builder.AddConnectionString("referralsdb-owner",
        ReferenceExpression.Create($"{LocalPostgres.ConnectionString(ports.Postgres, postgresPassword)}"));
    database = builder.AddConnectionString("referralsdb",
        ReferenceExpression.Create($"{LocalPostgres.RuntimeConnectionString("127.0.0.1", PortText.Of(ports.Postgres))};Password={runtimePassword}"));
    redis = builder.AddConnectionString("redis", ReferenceExpression.Create($"{LocalRedis.ConnectionString(ports.Redis)}"));
    kafka = builder.AddConnectionString("kafka", ReferenceExpression.Create($"{"127.0.0.1:" + PortText.Of(ports.Kafka)}"));
    (postgresServer, redisServer, kafkaBroker) = (localPostgres.AsResource(), localRedis.AsResource(), devBroker.AsResource());
}
else
{
    var password = builder.AddParameter("postgres-password", postgresPassword, secret: true);
    var postgres = builder.AddPostgres("postgres", password: password, port: ports.Postgres).WithDataVolume("referrals-postgres-data");
    var containerRedis = builder.AddRedis("redis", ports.Redis);
    var kraft = builder.AddKafkaKraftContainer("kafka", ports.Kafka);

    ownerDatabase = postgres.AddDatabase("referralsdb-owner", LocalPostgres.DatabaseName).AsConnectionString();
    var endpoint = postgres.Resource.PrimaryEndpoint;
    database = builder.AddConnectionString("referralsdb", ReferenceExpression.Create(
        $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Database={LocalPostgres.DatabaseName};Username={LocalPostgres.RuntimeLogin};Password={runtimePassword}"));
    redis = containerRedis.AsConnectionString();
    kafka = kraft.AsConnectionString();
    (postgresServer, redisServer, kafkaBroker) = (postgres.AsResource(), containerRedis.AsResource(), kraft.AsResource());
}

var auth = builder.AddDevStub<Projects.Referrals_DevStubs_Auth>("auth-stub", ports.Auth);
var core = builder.AddDevStub<Projects.Referrals_DevStubs_Core>("core-stub", ports.Core)
    .WithHttpEndpoint(port: ports.CoreControl, targetPort: ports.CoreControl, name: "control", isProxied: false)
    .WithLoopbackKestrelEndpoint("Control", ports.CoreControl);
// Development and tests only: Confluent's registry API in memory. Avro on the wire is then one setting,
// Referrals:Service:Kafka:WireFormat=avro; a deployment names its own registry (Kafka__SchemaRegistryUrl).
var schemaRegistry = builder.ExecutionContext.IsRunMode ? builder.AddDevSchemaRegistry("schema-registry", ports.SchemaRegistry) : null;

// Schema changes run as the owner, once, before the service (which connects as the runtime login and changes none).
var migrate = builder.AddProject<Projects.Referrals_Service>("referrals-migrate", options => options.ExcludeLaunchProfile = true)
    .WithArgs("migrate")
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
    .WithEnvironment("Database__RuntimePassword", runtimePassword)
    // The command builds the service's registrations (never starts them), which name these.
    .WithEnvironment("AUTH_HOST", PortText.Loopback(ports.Auth))
    .WithEnvironment("CORE_HOST", PortText.Loopback(ports.Core))
    .WithReference(ownerDatabase, connectionName: "referralsdb").WithReference(redis).WithReference(kafka)
    .WaitFor(postgresServer);
// It listens on nothing: drop the endpoints Aspire infers from the service's Kestrel configuration.
foreach (var inferred in migrate.Resource.Annotations.OfType<EndpointAnnotation>().ToList())
    migrate.Resource.Annotations.Remove(inferred);

// One instance on F5; the integration suite runs two (`Referrals:ServiceInstances`), same settings, own ports.
var instances = builder.Configuration.GetValue("Referrals:ServiceInstances", 1);
if (instances is < 1 or > 2)
    throw new InvalidOperationException($"Referrals:ServiceInstances must be 1 or 2, not {instances}");
AddServiceInstance("referrals", ports.Http, ports.Grpc);
if (instances == 2)
    AddServiceInstance("referrals-2", ports.SecondHttp, ports.SecondGrpc);

// Prometheus scrapes the service and evaluates deploy/prometheus/alerts.yml (README, "Prometheus, alerts and dashboards").
var prometheusData = builder.Configuration["Referrals:PrometheusDataDirectory"]
    ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".local", "prometheus"));
builder.AddReferralsPrometheus("prometheus", mode, prometheusData, ports.Prometheus,
    instances == 2 ? [ports.Http, ports.SecondHttp] : [ports.Http]);

builder.Build().Run();

void AddServiceInstance(string name, int httpPort, int grpcPort) =>
    builder.AddProject<Projects.Referrals_Service>(name, options => options.ExcludeLaunchProfile = true)
        .WithHttpEndpoint(port: httpPort, targetPort: httpPort, name: "http", isProxied: false)
        .WithEndpoint(port: grpcPort, targetPort: grpcPort, name: "grpc", scheme: "http", isProxied: false)
        .AsHttp2Service()
        .WithEnvironment("Kestrel__Endpoints__Http__Url", PortText.Loopback(httpPort))
        .WithEnvironment("Kestrel__Endpoints__Grpc__Url", PortText.Loopback(grpcPort))
        .WithEnvironment(context => context.EnvironmentVariables.Remove("ASPNETCORE_URLS"))
        .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
        .WithEnvironment("Kafka__AutoProvision", (mode == InfrastructureMode.Containers).ToString())
        .WithEnvironment("AUTH_HOST", PortText.Loopback(ports.Auth))
        .WithEnvironment("CORE_HOST", PortText.Loopback(ports.Core))
        // Anything under Referrals:Service:* is handed to the service as its own setting, e.g.
        // --Referrals:Service:Webhooks:PerShopPerSecond=100000 for the bench (README).
        .WithEnvironment(context =>
        {
            foreach (var (key, value) in builder.Configuration.GetSection("Referrals:Service").AsEnumerable(makePathsRelative: true))
            {
                if (value is not null)
                    context.EnvironmentVariables[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        })
        .WithReference(database).WithReference(redis).WithReference(kafka)
        .WaitFor(postgresServer).WaitFor(redisServer).WaitFor(kafkaBroker).WaitFor(auth).WaitFor(core)
        .WaitForCompletion(migrate)
        .WithHttpHealthCheck("/ready", endpointName: "http")
        .WithDevSchemaRegistry(schemaRegistry, ports.SchemaRegistry);
