using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Marten;
using Referrals.Service.Tests.Infrastructure;
using StackExchange.Redis;

namespace Referrals.Service.Tests.Foundation;

[Collection(IntegrationTier.Name)]
public sealed class StackSmokeTests(ReferralsApp app)
{
    [Fact]
    public async Task Health_and_ready_answer_200_once_the_stack_is_up()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();

        var health = await http.GetAsync("/health", ct);
        var ready = await http.GetAsync("/ready", ct);

        health.StatusCode.ShouldBe(HttpStatusCode.OK);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Ready_answers_503_while_postgres_is_stopped_and_200_after_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        // The service's health check and its background work (Wolverine's durability agent, its database control
        // queue) lose their connections, then find PostgreSQL shutting down, gone, or starting up.
        using var expected = app.ExpectErrorLogs("Health check PostgreSql with status Unhealthy",
            $"Failed to connect to 127.0.0.1:{app.Ports.Postgres}", "57P01: terminating connection due to administrator command",
            "57P03: the database system is", "Npgsql.NpgsqlException (0x80004005): Exception while");

        await app.StopResourceAsync("postgres", ct);
        var whileStopped = await Eventually.ReturnsAsync(() => http.GetAsync("/ready", ct),
            response => response.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), ct);
        var liveWhileStopped = await http.GetAsync("/health", ct);
        await app.StartResourceAsync("postgres", ct);
        var afterRestart = await Eventually.ReturnsAsync(() => http.GetAsync("/ready", ct),
            response => response.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), ct);

        whileStopped.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        liveWhileStopped.StatusCode.ShouldBe(HttpStatusCode.OK);
        afterRestart.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Metrics_answer_in_prometheus_text_format()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();

        var response = await http.GetAsync("/metrics", ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        body.ShouldContain("# TYPE http_server_request_duration_seconds histogram");
    }

    [Fact]
    public async Task Grpc_health_answers_serving()
    {
        var ct = TestContext.Current.CancellationToken;
        using var channel = GrpcChannel.ForAddress(app.GrpcAddress);

        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: ct);

        reply.Status.ShouldBe(HealthCheckResponse.Types.ServingStatus.Serving);
    }

    [Fact]
    public async Task A_marten_document_round_trips_through_postgres()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = DocumentStore.For(options =>
        {
            options.Connection(app.DatabaseConnectionString);
            options.DatabaseSchemaName = "smoke_tests";
        });
        var written = new SmokeDocument(Guid.NewGuid(), "مرحبا שלום hello");

        await using (var session = store.LightweightSession())
        {
            session.Store(written);
            await session.SaveChangesAsync(ct);
        }
        await using var query = store.QuerySession();
        var read = await query.LoadAsync<SmokeDocument>(written.Id, ct);

        read.ShouldBe(written);
    }

    [Fact]
    public async Task Redis_answers_and_keeps_a_value()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        var db = redis.GetDatabase();
        var key = $"smoke:{Guid.NewGuid():N}";

        var latency = await db.PingAsync();
        await db.StringSetAsync(key, "v", TimeSpan.FromMinutes(1));

        latency.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        ((string?)await db.StringGetAsync(key)).ShouldBe("v");
    }

    [Fact]
    public async Task The_dev_broker_has_the_six_seed_topics_with_six_partitions()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = app.KafkaBootstrap }).Build();

        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));

        var topics = metadata.Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);
        foreach (var topic in new[] { "referral.completed", "referral.task", "cache.invalidate", "vip_tier.assigned", "referrals.dlq", "referrals.replay" })
            topics.ShouldContainKeyAndValue(topic, 6);
        metadata.Brokers.ShouldHaveSingleItem().Port.ShouldBe(app.Ports.Kafka);
    }

    [Fact]
    public async Task A_produce_fails_while_the_dev_broker_is_down_and_succeeds_after_it_is_up()
    {
        var ct = TestContext.Current.CancellationToken;
        using var control = new HttpClient { BaseAddress = app.KafkaControlAddress };
        var config = new ProducerConfig { BootstrapServers = app.KafkaBootstrap, MessageTimeoutMs = 3000 };
        var message = new Message<string, string> { Key = "smoke", Value = "ping" };
        // librdkafka in the service reports the broker it lost, and so may the clients that use it.
        using var expected = app.ExpectErrorLogs("brokers are down", $"Connect to ipv4#{app.KafkaBootstrap} failed",
            "Local: All broker connections are down", "Local: Broker transport failure");

        (await control.PostAsync("/broker/down", null, ct)).EnsureSuccessStatusCode();
        Exception? whileDown;
        using (var producer = new ProducerBuilder<string, string>(config).SetLogHandler((_, _) => { }).Build())
            whileDown = await Record.ExceptionAsync(() => producer.ProduceAsync("referrals.replay", message, ct));
        (await control.PostAsync("/broker/up", null, ct)).EnsureSuccessStatusCode();
        var state = await control.GetFromJsonAsync<JsonElement>("/health", ct);
        using var recovered = new ProducerBuilder<string, string>(
            new ProducerConfig { BootstrapServers = app.KafkaBootstrap, MessageTimeoutMs = 15000 }).Build();
        var delivered = await recovered.ProduceAsync("referrals.replay", message, ct);

        whileDown.ShouldBeOfType<ProduceException<string, string>>();
        state.GetProperty("broker_up").GetBoolean().ShouldBeTrue();
        delivered.Status.ShouldBe(PersistenceStatus.Persisted);
    }

    private sealed record SmokeDocument(Guid Id, string Text);
}
