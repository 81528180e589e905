using Microsoft.Extensions.Configuration;
using Referrals.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
var ports = StackPorts.From(builder.Configuration);
// Publishing (the manifest) describes production: no dev stubs, other teams' services as parameters, Production.
var publishing = builder.ExecutionContext.IsPublishMode;
var serviceEnvironment = publishing ? "Production" : builder.Environment.EnvironmentName;
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
    var kraft = builder.AddKafkaKraftContainer("kafka", ports.Kafka, advertisedHost: publishing ? "kafka" : "localhost");

    ownerDatabase = postgres.AddDatabase("referralsdb-owner", LocalPostgres.DatabaseName).AsConnectionString();
    var endpoint = postgres.Resource.PrimaryEndpoint;
    database = builder.AddConnectionString("referralsdb", ReferenceExpression.Create(
        $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Database={LocalPostgres.DatabaseName};Username={LocalPostgres.RuntimeLogin};Password={runtimePassword}"));
    redis = containerRedis.AsConnectionString();
    kafka = kraft.AsConnectionString();
    (postgresServer, redisServer, kafkaBroker) = (postgres.AsResource(), containerRedis.AsResource(), kraft.AsResource());
}

var callees = publishing ? ProductionCallees.From(builder) : DevCallees.Add(builder, ports);
// Development's webhook secret is public (appsettings.Development.json); a deployment is given its own.
var shopifyAppSecret = publishing ? builder.AddParameter("shopify-app-secret", secret: true) : null;
var listenUrlPrefix = publishing ? "http://0.0.0.0:" : "http://127.0.0.1:";

// Schema changes run as the owner, once, before the service (which connects as the runtime login and changes none).
var migrate = builder.AddProject<Projects.Referrals_Service>("referrals-migrate", options => options.ExcludeLaunchProfile = true)
    .WithArgs("migrate")
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", serviceEnvironment)
    .WithEnvironment("Database__RuntimePassword", runtimePassword)
    // The command builds the service's registrations (never starts them), which name these.
    .WithCallees(callees)
    .WithReference(ownerDatabase, connectionName: "referralsdb").WithReference(redis).WithReference(kafka)
    .WaitFor(postgresServer);
// It listens on nothing: drop the endpoints Aspire infers from the service's Kestrel configuration.
foreach (var inferred in migrate.Resource.Annotations.OfType<EndpointAnnotation>().ToList())
    migrate.Resource.Annotations.Remove(inferred);

// One instance on F5; the integration suite runs two (`Referrals:ServiceInstances`), same settings, own ports.
// 0 is the infrastructure only, for the published instances of scripts/production-shape.sh (README).
var instances = builder.Configuration.GetValue("Referrals:ServiceInstances", 1);
if (instances is < 0 or > 2 || (publishing && instances != 1))
    throw new InvalidOperationException($"Referrals:ServiceInstances must be 0, 1 or 2 (1 when publishing), not {instances}");
if (instances == 0)
    migrate.Resource.Annotations.Add(new ExplicitStartupAnnotation());
if (instances >= 1)
    AddServiceInstance("referrals", ports.Http, ports.Grpc);
if (instances == 2)
    AddServiceInstance("referrals-2", ports.SecondHttp, ports.SecondGrpc);
// A third instance that writes Avro (Kafka:WireFormat=avro), same group and database, started only by the test that
// reads its events back (Contracts/AvroInstanceTests): the rest of the suite sees JSON writers only.
if (!publishing && builder.Configuration.GetValue<bool>("Referrals:AvroServiceInstance"))
{
    AddServiceInstance("referrals-avro", ports.AvroHttp, ports.AvroGrpc)
        .WithEnvironment("Kafka__WireFormat", "avro")
        .WithExplicitStart();
}

// Prometheus scrapes the service and evaluates deploy/prometheus/alerts.yml (README, "Prometheus, alerts and dashboards").
// A deployment brings its own monitoring (deploy/), so the manifest has none.
if (!publishing)
{
    var prometheusData = builder.Configuration["Referrals:PrometheusDataDirectory"]
        ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".local", "prometheus"));
    builder.AddReferralsPrometheus("prometheus", mode, prometheusData, ports.Prometheus,
        instances == 2 ? [ports.Http, ports.SecondHttp] : [ports.Http]);
}

builder.Build().Run();

IResourceBuilder<ProjectResource> AddServiceInstance(string name, int httpPort, int grpcPort)
{
    var instance = builder.AddProject<Projects.Referrals_Service>(name, options => options.ExcludeLaunchProfile = true);
    // Only the two endpoints declared here: none inferred from the service's Kestrel configuration.
    foreach (var inferred in instance.Resource.Annotations.OfType<EndpointAnnotation>().ToList())
        instance.Resource.Annotations.Remove(inferred);
    instance
        .WithHttpEndpoint(port: httpPort, targetPort: httpPort, name: "http", isProxied: false)
        .WithEndpoint(port: grpcPort, targetPort: grpcPort, name: "grpc", scheme: "http", isProxied: false)
        // gRPC is HTTP/2 only; the webhook and admin endpoint is HTTP/1.1 only (Shopify and the probes speak it).
        .WithEndpoint("grpc", endpoint => endpoint.Transport = "http2")
        // The service listens on loopback in Development and on all interfaces elsewhere (Referrals:ListenAddress).
        .WithEnvironment("Kestrel__Endpoints__Http__Url", listenUrlPrefix + PortText.Of(httpPort))
        .WithEnvironment("Kestrel__Endpoints__Grpc__Url", listenUrlPrefix + PortText.Of(grpcPort))
        .WithEnvironment(context => context.EnvironmentVariables.Remove("ASPNETCORE_URLS"))
        .WithEnvironment("ASPNETCORE_ENVIRONMENT", serviceEnvironment)
        .WithEnvironment("Kafka__AutoProvision", (mode == InfrastructureMode.Containers).ToString())
        .WithCallees(callees)
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
        .WaitFor(postgresServer).WaitFor(redisServer).WaitFor(kafkaBroker)
        .WaitForCompletion(migrate)
        .WithHttpHealthCheck("/ready", endpointName: "http");
    if (shopifyAppSecret is not null)
        instance.WithEnvironment("Shopify__AppSecret", shopifyAppSecret);
    foreach (var stub in callees.Stubs)
        instance.WaitFor(stub);
    return instance;
}
