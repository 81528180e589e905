using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Referrals.Chaos;

/// <summary>One service instance: its Aspire resource name and where it listens.</summary>
public sealed record ServiceInstance(string Resource, Uri Http, Uri Grpc)
{
    public int HttpPort => Http.Port;
}

/// <summary>
/// The running stack as the chaos run sees it: addresses, the ports its faults find processes by, the owner's
/// connection to Postgres (to read what the service stored) and the Aspire host that restarts what a fault killed.
/// </summary>
public sealed record ChaosTarget(
    DistributedApplication App,
    IReadOnlyList<ServiceInstance> Instances,
    string KafkaBootstrap,
    Uri KafkaControl,
    string OwnerConnectionString,
    int PostgresPort,
    int RedisPort)
{
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Starts a resource a fault killed, once the orchestrator has seen it exit (until then a start is refused),
    /// and waits until it is healthy and every service instance is ready again.
    /// </summary>
    public async Task RestartAsync(string resource, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RestartTimeout);
        while (true)
        {
            var started = await App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, timeout.Token);
            if (started.Success)
                break;
            await Task.Delay(TimeSpan.FromMilliseconds(250), timeout.Token);
        }
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        await WaitUntilReadyAsync(timeout.Token);
    }

    /// <summary>Waits until every instance answers /ready (Postgres, Redis and Kafka reachable from it).</summary>
    public async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var instance in Instances)
        {
            while (true)
            {
                try
                {
                    using var ready = await http.GetAsync(new Uri(instance.Http, "/ready"), ct);
                    // Redis or Kafka away is still 200 (Degraded): only an overall Healthy says all three answer.
                    if (ready.IsSuccessStatusCode && await OverallStatusAsync(ready, ct) == "Healthy")
                        break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    // Not listening yet, or still connecting.
                }
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        }
    }

    private static async Task<string?> OverallStatusAsync(HttpResponseMessage ready, CancellationToken ct)
    {
        using var body = System.Text.Json.JsonDocument.Parse(await ready.Content.ReadAsStringAsync(ct));
        return body.RootElement.GetProperty("status").GetString();
    }
}
