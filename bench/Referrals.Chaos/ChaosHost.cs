using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Chaos;

/// <summary>
/// The stack for a standalone run, started from the real AppHost like the test suite's: local mode, free ports, its
/// own temp data folders, two service instances, the webhook rate limits lifted (the driver is one client of one
/// shop). Every resource's output goes to a log file.
/// </summary>
public sealed class ChaosHost : IAsyncDisposable
{
    public const string SecondInstance = "referrals-2";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private DistributedApplication? _app;

    public required ChaosTarget Target { get; init; }

    public string LogFile { get; private init; } = "";

    private string DataDirectory { get; init; } = "";

    public static async Task<ChaosHost> StartAsync(string logFile, CancellationToken ct)
    {
        var p = FreePorts.Take(12);
        var (grpc, http, postgres, redis, kafka, kafkaControl) = (p[0], p[1], p[2], p[3], p[4], p[5]);
        var (secondGrpc, secondHttp) = (p[10], p[11]);
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"referrals-chaos-{Guid.NewGuid():N}");
        string[] arguments =
        [
            $"--Referrals:Ports:Grpc={grpc}", $"--Referrals:Ports:Http={http}", $"--Referrals:Ports:Postgres={postgres}",
            $"--Referrals:Ports:Redis={redis}", $"--Referrals:Ports:Kafka={kafka}", $"--Referrals:Ports:KafkaControl={kafkaControl}",
            $"--Referrals:Ports:Auth={p[6]}", $"--Referrals:Ports:Core={p[7]}", $"--Referrals:Ports:CoreControl={p[8]}",
            $"--Referrals:Ports:Prometheus={p[9]}",
            $"--Referrals:Ports:SecondGrpc={secondGrpc}", $"--Referrals:Ports:SecondHttp={secondHttp}", "--Referrals:ServiceInstances=2",
            "--Referrals:InfrastructureMode=local", $"--Referrals:LocalDataDirectory={dataDirectory}",
            $"--Referrals:PrometheusDataDirectory={dataDirectory}-prometheus",
            "--Referrals:Service:Webhooks:PerShopPerSecond=1000000", "--Referrals:Service:Webhooks:PerIpPerSecond=1000000",
        ];

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Referrals_AppHost>(arguments,
            (options, _) => options.DisableDashboard = true, timeout.Token);
        builder.Services.AddLogging(logging => logging.ClearProviders().AddProvider(new FileLoggerProvider(logFile)).SetMinimumLevel(LogLevel.Information));
        var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("referrals", timeout.Token);

        var instances = new List<ServiceInstance> { new("referrals", Loopback(http), Loopback(grpc)) };
        if (app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Any(r => r.Name == SecondInstance))
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(SecondInstance, timeout.Token);
            instances.Add(new ServiceInstance(SecondInstance, Loopback(secondHttp), Loopback(secondGrpc)));
        }
        var stack = new ChaosTarget(app, instances, $"127.0.0.1:{kafka}", Loopback(kafkaControl),
            $"Host=127.0.0.1;Port={postgres};Database=referrals;Username=postgres;Password=referrals-dev-password", postgres, redis);
        return new ChaosHost { Target = stack, LogFile = logFile, _app = app, DataDirectory = dataDirectory };
    }

    private static Uri Loopback(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        foreach (var directory in new[] { DataDirectory, DataDirectory + "-prometheus" })
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A postgres still shutting down may hold a file for a moment; the temp folder is cleaned later.
            }
        }
    }
}
