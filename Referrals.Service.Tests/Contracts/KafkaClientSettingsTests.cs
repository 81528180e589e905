extern alias service;

using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using service::Referrals.Service.Features.DeadLetters;
using service::Referrals.Service.Messaging;
using service::Referrals.Service.Operator;
using Wolverine;
using Wolverine.Kafka.Internals;

namespace Referrals.Service.Tests.Contracts;

/// <summary>
/// Every Kafka client the service and its operator commands create takes the librdkafka settings under
/// `Kafka:Client` (SASL, TLS, ...) as they are; the service's own guarantees (acks, idempotence, groups) stay.
/// The clients built outside Wolverine are shown by a value librdkafka refuses: a client that got it cannot be built.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class KafkaClientSettingsTests
{
    private static readonly Dictionary<string, string?> Secured = new()
    {
        ["ConnectionStrings:kafka"] = "broker.invalid:9093",
        ["Kafka:Client:security.protocol"] = "SASL_SSL",
        ["Kafka:Client:sasl.mechanism"] = "SCRAM-SHA-512",
        ["Kafka:Client:sasl.username"] = "referrals",
        ["Kafka:Client:sasl.password"] = "secret",
        // As an environment variable: Kafka__Client__ssl_ca_location.
        ["Kafka:Client:ssl_ca_location"] = "/etc/kafka/ca.pem",
        // The service's guarantee wins over a setting that would weaken it.
        ["Kafka:Client:acks"] = "0",
    };

    [Fact]
    public void Keys_are_librdkafka_names_with_underscore_standing_for_a_dot()
    {
        var settings = KafkaClientSettings.From(Configuration(Secured));

        settings["security.protocol"].ShouldBe("SASL_SSL");
        settings["ssl.ca.location"].ShouldBe("/etc/kafka/ca.pem");
        settings.ShouldNotContainKey("bootstrap.servers");
    }

    [Fact]
    public void Wolverines_producers_consumers_and_admin_client_get_every_setting()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(Secured);
        builder.AddReferralsMessaging();
        using var app = builder.Build();

        var transport = app.Services.GetRequiredService<WolverineOptions>().Transports.GetOrCreate<KafkaTransport>();
        ClientConfig[] configs = [transport.ProducerConfig, transport.ConsumerConfig, transport.AdminClientConfig];
        foreach (var config in configs)
        {
            config.BootstrapServers.ShouldBe("broker.invalid:9093");
            config.Get("security.protocol").ShouldBe("SASL_SSL");
            config.Get("sasl.mechanism").ShouldBe("SCRAM-SHA-512");
            config.SaslUsername.ShouldBe("referrals");
            config.SaslPassword.ShouldBe("secret");
            config.SslCaLocation.ShouldBe("/etc/kafka/ca.pem");
        }
        transport.ProducerConfig.Acks.ShouldBe(Acks.All);
        transport.ProducerConfig.EnableIdempotence.ShouldBe(true);
    }

    [Fact]
    public void The_health_check_admin_client_takes_the_settings()
    {
        Should.Throw<Exception>(() => new KafkaHealthCheck(Configuration(Refused)).Dispose())
            .Message.ShouldContain("security.protocol");
    }

    [Fact]
    public async Task The_direct_dead_letter_producer_takes_the_settings()
    {
        using var direct = new DirectDeadLetters(Configuration(Refused));

        (await Should.ThrowAsync<Exception>(() => direct.ParkAsync(new Envelope { Data = [1] }, new Dictionary<string, string?>(),
            TestContext.Current.CancellationToken))).Message.ShouldContain("security.protocol");
    }

    [Fact]
    public async Task The_dead_letter_recorder_consumer_takes_the_settings()
    {
        using var recorder = new RecordDeadLetters(Configuration(Refused), null!, NullLogger<RecordDeadLetters>.Instance);

        await recorder.StartAsync(TestContext.Current.CancellationToken);

        (await Should.ThrowAsync<Exception>(recorder.ExecuteTask!)).Message.ShouldContain("security.protocol");
    }

    [Fact]
    public void The_operator_commands_producer_and_topic_reader_take_the_settings()
    {
        var connections = OperatorConnections.From(Configuration(new(Refused) { ["ConnectionStrings:referralsdb"] = "Host=db.invalid" }));

        Should.Throw<Exception>(() => connections.CreateProducer("probe").Dispose()).Message.ShouldContain("security.protocol");
        Should.Throw<Exception>(() => TopicSnapshot.Read(connections, Topics.DeadLetters, TestContext.Current.CancellationToken))
            .Message.ShouldContain("security.protocol");
    }

    /// <summary>A value librdkafka refuses when the client is built.</summary>
    private static readonly Dictionary<string, string?> Refused = new()
    {
        ["ConnectionStrings:kafka"] = "broker.invalid:9093",
        ["Kafka:Client:security.protocol"] = "not-a-protocol",
    };

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
