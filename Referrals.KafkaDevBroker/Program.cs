// Referrals.KafkaDevBroker — DEVELOPMENT/TEST ONLY, NEVER PRODUCTION.
//
// Hosts librdkafka's built-in mock Kafka cluster (one broker, data in memory only) so local runs and tests can
// talk the real Kafka wire protocol without Docker or a JVM. Clients bootstrap via a TCP relay on a fixed
// 127.0.0.1 port; a small HTTP control surface can take the broker down/up and inject protocol errors:
//
//   GET    /health            {"status":"up","bootstrap":"127.0.0.1:9092","broker_up":true}
//   GET    /topics            topics created at startup and their partition counts
//   POST   /broker/down       broker 1 down: relayed connections reset, new ones refused
//   POST   /broker/up         broker 1 up again
//   POST   /errors            {"api_key":0,"errors":[6,6,6]} -> the next 3 Produce requests fail with error 6
//   DELETE /errors[?api_key=N] drop queued errors (for N, or for every ApiKey errors were pushed for)
//
// Run: dotnet run --project Referrals.KafkaDevBroker -- [--port 9092] [--control-port 9093] [--partitions 6] [--topics a,b]
// Once serving it prints: KAFKA_DEV_BROKER_READY bootstrap=127.0.0.1:<port> control=http://127.0.0.1:<control-port>
using System.Net;
using Referrals.KafkaDevBroker;

const string Banner = """
    ================================================================
     Referrals Kafka DEV broker (librdkafka mock cluster, in-memory)
     DEVELOPMENT/TEST ONLY - NEVER PRODUCTION. Data is lost on exit.
    ================================================================
    """;

if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(BrokerOptions.Usage);
    return 0;
}

BrokerOptions options;
try
{
    options = BrokerOptions.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}{Environment.NewLine}{BrokerOptions.Usage}");
    return 2;
}

Console.WriteLine(Banner);

// Args are ours, not ASP.NET configuration.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = [],
    ContentRootPath = AppContext.BaseDirectory,
    EnvironmentName = Environments.Development,
});
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.ControlPort));
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));

await using var app = builder.Build();
var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KafkaDevBroker");
logger.LogWarning("Kafka dev broker: development/test only - never production. Data is kept in memory only.");

DevBroker broker;
try
{
    broker = DevBroker.Start(options);
}
catch (Exception ex) when (ex is InvalidOperationException or System.Net.Sockets.SocketException or DllNotFoundException or EntryPointNotFoundException)
{
    logger.LogCritical("Could not start the mock Kafka broker on 127.0.0.1:{Port}: {Message}", options.Port, ex.Message);
    return 1;
}

await using (broker)
{
    logger.LogInformation(
        "Mock broker {BrokerId} at {Bootstrap}; topics ({Partitions} partitions each): {Topics}",
        DevBroker.BrokerId, broker.Bootstrap, options.Partitions, string.Join(", ", options.Topics));

    app.MapControlEndpoints(broker, logger);
    try
    {
        await app.StartAsync();
    }
    catch (IOException ex)
    {
        logger.LogCritical("Could not start the control API on 127.0.0.1:{Port}: {Message}", options.ControlPort, ex.Message);
        return 1;
    }

    var control = app.Urls.FirstOrDefault() ?? $"http://127.0.0.1:{options.ControlPort}";
    Console.WriteLine($"KAFKA_DEV_BROKER_READY bootstrap={broker.Bootstrap} control={control}");

    await app.WaitForShutdownAsync();
    logger.LogInformation("Shutting down the Kafka dev broker");
}

return 0;
