using System.Net;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Deployment;

/// <summary>
/// `/ready` takes an instance out of service only for what a durable accept needs (Postgres, through the runtime
/// login); Redis and Kafka away are reported in its body and as <c>referrals_dependency_up</c>, still 200.
/// `/health` is liveness only and stays 200 whatever is away.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class ReadinessTests(ReferralsApp app)
{
    private static readonly TimeSpan NoticeWithin = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Ready_stays_200_while_redis_is_stopped_and_the_body_and_metric_say_redis_is_down()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        // StackExchange.Redis reports its lost and refused connections as errors of its own.
        using var expected = app.ExpectErrorLogs("UnableToConnect on", "SocketClosed");

        await app.StopResourceAsync("redis-server", ct);
        (HttpStatusCode Code, ReadyBody Body) whileStopped;
        string redisUpWhileStopped;
        HttpStatusCode liveWhileStopped;
        try
        {
            whileStopped = await Eventually.ReturnsAsync(() => ReadyAsync(http, ct),
                ready => ready.Body.CheckStatus["redis"] != ReadyBody.Healthy, NoticeWithin, ct);
            redisUpWhileStopped = await DependencyUpAsync(http, "redis", ct);
            liveWhileStopped = (await http.GetAsync("/health", ct)).StatusCode;
        }
        finally
        {
            await app.StartResourceAsync("redis-server", ct);
        }
        var redisUpAfter = await DependencyUpAsync(http, "redis", ct);

        whileStopped.Code.ShouldBe(HttpStatusCode.OK);
        whileStopped.Body.Status.ShouldBe("Degraded");
        whileStopped.Body.CheckStatus["redis"].ShouldBe("Degraded");
        whileStopped.Body.CheckStatus["PostgreSql"].ShouldBe(ReadyBody.Healthy);
        redisUpWhileStopped.ShouldBe("0");
        liveWhileStopped.ShouldBe(HttpStatusCode.OK);
        redisUpAfter.ShouldBe("1");
    }

    [Fact]
    public async Task Ready_stays_200_while_the_broker_is_down_and_the_body_and_metric_say_kafka_is_down()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        using var control = new HttpClient { BaseAddress = app.KafkaControlAddress };
        // librdkafka in the service reports the broker it lost.
        using var expected = app.ExpectErrorLogs("brokers are down", $"Connect to ipv4#{app.KafkaBootstrap} failed",
            "Local: All broker connections are down", "Local: Broker transport failure");

        (await control.PostAsync("/broker/down", null, ct)).EnsureSuccessStatusCode();
        (HttpStatusCode Code, ReadyBody Body) whileDown;
        string kafkaUpWhileDown;
        HttpStatusCode liveWhileDown;
        try
        {
            whileDown = await Eventually.ReturnsAsync(() => ReadyAsync(http, ct),
                ready => ready.Body.CheckStatus["kafka"] != ReadyBody.Healthy, NoticeWithin, ct);
            kafkaUpWhileDown = await DependencyUpAsync(http, "kafka", ct);
            liveWhileDown = (await http.GetAsync("/health", ct)).StatusCode;
        }
        finally
        {
            (await control.PostAsync("/broker/up", null, CancellationToken.None)).EnsureSuccessStatusCode();
            await UntilWhollyHealthyAsync(ct);
        }

        whileDown.Code.ShouldBe(HttpStatusCode.OK);
        whileDown.Body.CheckStatus["kafka"].ShouldBe("Degraded");
        whileDown.Body.CheckStatus["PostgreSql"].ShouldBe(ReadyBody.Healthy);
        kafkaUpWhileDown.ShouldBe("0");
        liveWhileDown.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Ready_is_503_while_postgres_is_stopped_and_health_stays_200()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        // The Postgres check and the service's background work lose their connections, then find PostgreSQL
        // shutting down, gone, or starting up.
        using var expected = app.ExpectErrorLogs("Health check PostgreSql with status Unhealthy",
            $"Failed to connect to 127.0.0.1:{app.Ports.Postgres}", "57P01: terminating connection due to administrator command",
            "57P03: the database system is", "Npgsql.NpgsqlException (0x80004005): Exception while");

        await app.StopResourceAsync("postgres", ct);
        (HttpStatusCode Code, ReadyBody Body) whileStopped;
        string postgresUpWhileStopped;
        HttpStatusCode liveWhileStopped;
        try
        {
            whileStopped = await Eventually.ReturnsAsync(() => ReadyAsync(http, ct),
                ready => ready.Code == HttpStatusCode.ServiceUnavailable, NoticeWithin, ct);
            postgresUpWhileStopped = await DependencyUpAsync(http, "postgresql", ct);
            liveWhileStopped = (await http.GetAsync("/health", ct)).StatusCode;
        }
        finally
        {
            await app.StartResourceAsync("postgres", ct);
        }

        whileStopped.Code.ShouldBe(HttpStatusCode.ServiceUnavailable);
        whileStopped.Body.CheckStatus["PostgreSql"].ShouldBe("Unhealthy");
        postgresUpWhileStopped.ShouldBe("0");
        liveWhileStopped.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task<(HttpStatusCode Code, ReadyBody Body)> ReadyAsync(HttpClient http, CancellationToken ct)
    {
        using var ready = await http.GetAsync("/ready", ct);
        return (ready.StatusCode, await ReadyBody.ReadAsync(ready, ct));
    }

    /// <summary>Both instances see the broker again, so the next test meets a whole stack.</summary>
    private async Task UntilWhollyHealthyAsync(CancellationToken ct)
    {
        foreach (var address in new[] { app.HttpAddress, app.SecondHttpAddress })
        {
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
            await Eventually.ReturnsAsync(async () =>
            {
                using var ready = await http.GetAsync("/ready", ct);
                return await ReadyBody.IsWhollyHealthyAsync(ready, ct);
            }, isHealthy => isHealthy, TimeSpan.FromSeconds(60), ct);
        }
    }

    /// <summary>The value of <c>referrals_dependency_up{dependency}</c> as written, or "absent".</summary>
    private static async Task<string> DependencyUpAsync(HttpClient http, string dependency, CancellationToken ct)
    {
        var text = await http.GetStringAsync("/metrics", ct);
        var line = text.Split('\n').FirstOrDefault(line => line.StartsWith("referrals_dependency_up{", StringComparison.Ordinal)
            && line.Contains($"dependency=\"{dependency}\"", StringComparison.Ordinal));
        return line is null ? "absent" : line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
    }
}
