using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Tests share one stack and some take parts of it away (Postgres, the broker): one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: Referrals.Service.Tests.Infrastructure.NameTheRunningTest]

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>
/// Every test class that uses the stack is in this collection (<c>[Collection(IntegrationTier.Name)]</c>): the stack starts
/// once, the first time such a test runs, and never for a run of stack-free tests alone (<c>--unit</c>). An assembly
/// fixture would not do: xunit starts those before any test, whichever tests were picked.
/// </summary>
[CollectionDefinition(Name)]
public sealed class IntegrationTier : ICollectionFixture<ReferralsApp>
{
    public const string Name = "the stack";
}

/// <summary>
/// The whole stack, started once per test run from the real AppHost in local mode: PostgreSQL, Redis, the
/// Kafka dev broker, the Auth and Core dev stubs and the service, on free ports and a fresh data folder.
/// The run fails when a resource logged an error that no test expected (<see cref="ExpectErrorLogs"/>).
/// </summary>
public sealed class ReferralsApp : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    // Covers the testing host's lag in forwarding resource output, and a fault's after-effects.
    private static readonly TimeSpan LateErrorLogs = TimeSpan.FromSeconds(20);
    private readonly ErrorLogWatch _errorLogs = new(TimeProvider.System, LateErrorLogs);
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"referrals-tests-{Guid.NewGuid():N}");
    private string PrometheusDataDirectory => _dataDirectory + "-prometheus";
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("the stack is not started");
    public StackPortsForTests Ports { get; } = StackPortsForTests.Free();

    /// <summary>Every span the service finishes, one JSON line each (ServiceDefaults' Telemetry:SpanFile).</summary>
    public string SpanFile { get; } = Path.Combine(Path.GetTempPath(), $"referrals-spans-{Guid.NewGuid():N}.jsonl");

    public string DatabaseConnectionString =>
        $"Host=127.0.0.1;Port={Ports.Postgres};Database=referrals;Username=postgres;Password=referrals-dev-password";
    /// <summary>The service's own login (the migration's, under row-level security): what the service sees.</summary>
    public string RuntimeConnectionString =>
        $"Host=127.0.0.1;Port={Ports.Postgres};Database=referrals;Username=referrals_runtime;Password=referrals-runtime-dev-password;Pooling=false";
    public string RedisConnectionString => $"127.0.0.1:{Ports.Redis}";
    public string KafkaBootstrap => $"127.0.0.1:{Ports.Kafka}";
    public Uri HttpAddress => new($"http://127.0.0.1:{Ports.Http}");
    public Uri GrpcAddress => new($"http://127.0.0.1:{Ports.Grpc}");
    /// <summary>The second service instance (<c>referrals-2</c>): same database, Redis and broker, its own ports.</summary>
    public Uri SecondHttpAddress => new($"http://127.0.0.1:{Ports.SecondHttp}");
    public Uri SecondGrpcAddress => new($"http://127.0.0.1:{Ports.SecondGrpc}");
    /// <summary>The Avro-writing instance (<c>referrals-avro</c>, Kafka:WireFormat=avro), started only by the test that uses it.</summary>
    public Uri AvroHttpAddress => new($"http://127.0.0.1:{Ports.AvroHttp}");
    public Uri KafkaControlAddress => new($"http://127.0.0.1:{Ports.KafkaControl}");
    public Uri CoreControlAddress => new($"http://127.0.0.1:{Ports.CoreControl}");
    public Uri PrometheusAddress => new($"http://127.0.0.1:{Ports.Prometheus}");
    /// <summary>The dev schema registry (resource `schema-registry`), Confluent's REST API.</summary>
    public string SchemaRegistryUrl => $"http://127.0.0.1:{Ports.SchemaRegistry}";

    public const int AdminPerIpPerSecond = 200;

    /// <summary>The suite runs two service instances against the same Postgres, Redis and broker.</summary>
    public static readonly string[] ServiceInstances = ["referrals", "referrals-2"];

    /// <summary>A third instance that writes Avro; not started with the stack (explicit start).</summary>
    public const string AvroServiceInstance = "referrals-avro";

    public static readonly TimeSpan CustomerNotFoundRetryWindow = TimeSpan.FromSeconds(10);

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Referrals_AppHost>(
            [.. Ports.AsArguments(), "--Referrals:InfrastructureMode=local", $"--Referrals:LocalDataDirectory={_dataDirectory}",
             $"--Referrals:PrometheusDataDirectory={PrometheusDataDirectory}", $"--Referrals:Service:Telemetry:SpanFile={SpanFile}",
             $"--Referrals:ServiceInstances={ServiceInstances.Length}", "--Referrals:AvroServiceInstance=true",
             // Every admin call of the suite comes from 127.0.0.1: the admin limit is raised so they do not meet it, and
             // the test of the limit bursts beyond this.
             $"--Referrals:Service:Admin:PerIpPerSecond={AdminPerIpPerSecond}",
             // A buyer Core does not know yet is asked about again this long (5 min in production), so a test sees the end of it.
             $"--Referrals:Service:Core:CustomerNotFoundRetryWindow={CustomerNotFoundRetryWindow:c}"],
            (options, _) => options.DisableDashboard = true,
            timeout.Token);

        var logDirectory = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(logDirectory);
        builder.Services.AddLogging(logging => logging
            .AddProvider(new FileLoggerProvider(Path.Combine(logDirectory, "stack.log")))
            .AddProvider(_errorLogs)
            .SetMinimumLevel(LogLevel.Information));

        ErrorLogWatch.OfTheRunningStack = _errorLogs;
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        foreach (var instance in ServiceInstances)
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(instance, timeout.Token);
    }

    public Task StopResourceAsync(string resource, CancellationToken ct) =>
        App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, ct);

    /// <summary>
    /// Starts a stopped resource and waits until the service is ready again: a service instance itself, or, for a
    /// dependency, both instances, once their clients have reconnected (a Redis client reconnects with a backoff, and
    /// until then destructive calls fail closed on the jti blacklist), so the next test does not meet the outage this
    /// one made.
    /// </summary>
    public async Task StartResourceAsync(string resource, CancellationToken ct)
    {
        await App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, ct);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct);
        Uri[] instances = resource switch
        {
            "referrals" => [HttpAddress],
            "referrals-2" => [SecondHttpAddress],
            AvroServiceInstance => [AvroHttpAddress],
            _ => [HttpAddress, SecondHttpAddress],
        };
        foreach (var address in instances)
        {
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
            await Eventually.ReturnsAsync(async () =>
            {
                try
                {
                    using var ready = await http.GetAsync("/ready", ct);
                    // Redis away is Degraded (200): only Healthy says the Redis client and its circuit breaker are back.
                    return await ReadyBody.IsWhollyHealthyAsync(ready, ct);
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, isReady => isReady, TimeSpan.FromSeconds(60), ct);
        }
    }

    /// <summary>
    /// Declares the error logs a test provokes on purpose, where it provokes them: a resource's error line that
    /// contains one of <paramref name="fragments"/> (ordinal) is expected until a little after the scope ends.
    /// Keep each fragment narrow: the message of the one error, not its level or category.
    /// </summary>
    public IDisposable ExpectErrorLogs(params string[] fragments) => _errorLogs.Expect(fragments);

    public HttpClient CreateHttpClient() => new() { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(30) };

    public HttpClient CreateSecondHttpClient() => new() { BaseAddress = SecondHttpAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        // What no test has been failed for yet, judged before the stack stops: shutting down is not a test's doing.
        var unexpected = _errorLogs.TakeUnexpected(test: null);
        ErrorLogWatch.OfTheRunningStack = null;
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        File.Delete(SpanFile);
        foreach (var directory in new[] { _dataDirectory, PrometheusDataDirectory })
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
        if (unexpected.Count > 0)
            throw new UnexpectedErrorLogsException(ErrorLogWatch.Describe(unexpected));
    }
}

public sealed class UnexpectedErrorLogsException(string message) : Exception(message);

public sealed record StackPortsForTests(int Grpc, int Http, int Postgres, int Redis, int Kafka, int KafkaControl,
    int Auth, int Core, int CoreControl, int Prometheus, int SecondGrpc, int SecondHttp, int SchemaRegistry, int AvroGrpc, int AvroHttp)
{
    public static StackPortsForTests Free()
    {
        var p = FreePorts.Take(15);
        return new StackPortsForTests(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14]);
    }

    public IEnumerable<string> AsArguments() =>
    [
        $"--Referrals:Ports:Grpc={Grpc}", $"--Referrals:Ports:Http={Http}", $"--Referrals:Ports:Postgres={Postgres}",
        $"--Referrals:Ports:Redis={Redis}", $"--Referrals:Ports:Kafka={Kafka}", $"--Referrals:Ports:KafkaControl={KafkaControl}",
        $"--Referrals:Ports:Auth={Auth}", $"--Referrals:Ports:Core={Core}", $"--Referrals:Ports:CoreControl={CoreControl}",
        $"--Referrals:Ports:Prometheus={Prometheus}", $"--Referrals:Ports:SecondGrpc={SecondGrpc}",
        $"--Referrals:Ports:SecondHttp={SecondHttp}", $"--Referrals:Ports:SchemaRegistry={SchemaRegistry}",
        $"--Referrals:Ports:AvroGrpc={AvroGrpc}", $"--Referrals:Ports:AvroHttp={AvroHttp}",
    ];
}
