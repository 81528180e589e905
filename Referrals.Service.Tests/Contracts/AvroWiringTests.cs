extern alias service;

using Confluent.SchemaRegistry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Referrals.Service.Tests.Infrastructure;
using service::Referrals.Service.Messaging.EventContracts;
using Wolverine;
using Wolverine.Kafka;
using Wolverine.Kafka.Internals;
using Wolverine.Runtime;
using service::Referrals.Service.Features.Referrals;
using service::Referrals.Service.Features.Tiers;
using service::Referrals.Service.Messaging;

namespace Referrals.Service.Tests.Contracts;

/// <summary>
/// The Avro mapping reaches the topics that slices declare after the transport is configured (a Wolverine policy),
/// and only the topics that have a committed contract. Runs a Wolverine host against the test stack's broker;
/// it publishes nothing, so the shared topics stay JSON for the other tests.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class AvroWiringTests(ReferralsApp app)
{
    [Fact]
    public async Task With_a_schema_registry_a_topic_with_a_contract_sends_through_the_confluent_avro_mapping()
    {
        using var host = await StartAsync(withRegistry: true);

        Topic(host, Topics.ReferralTask).EnvelopeMapper.ShouldBeOfType<ConfluentAvroEnvelopeMapper>();
        Topic(host, Topics.DeadLetters).EnvelopeMapper.ShouldBeOfType<KafkaEnvelopeMapper>();
    }

    [Fact]
    public async Task Without_a_schema_registry_every_topic_keeps_wolverines_json_mapping()
    {
        using var host = await StartAsync(withRegistry: false);

        Topic(host, Topics.ReferralTask).EnvelopeMapper.ShouldBeOfType<KafkaEnvelopeMapper>();
    }

    [Fact]
    public async Task A_listener_for_events_from_other_services_reads_them_through_the_json_or_avro_mapping()
    {
        // The service's wire options are in use long before Wolverine compiles its endpoints.
        System.Text.Json.JsonSerializer.Serialize(new ProbeTierAssigned(Guid.NewGuid(), "gold"), WireJson.Options);
        using var host = await StartAsync(withRegistry: true,
            options => options.ListenToKafkaTopic(Topics.VipTierAssigned).ReceiveWireEvents<ProbeTierAssigned>());

        var topic = Topic(host, Topics.VipTierAssigned);
        topic.EnvelopeMapper.ShouldBeOfType<ConfluentAvroEnvelopeMapper>();
        topic.MessageType.ShouldBe(typeof(ProbeTierAssigned));
    }

    private async Task<IHost> StartAsync(bool withRegistry, Action<WolverineOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<ISchemaRegistryClient>(new InMemorySchemaRegistry());
        builder.UseWolverine(options =>
        {
            options.ServiceName = $"contracts-wiring-{Guid.NewGuid():N}";
            var transport = options.UseKafka(app.KafkaBootstrap);
            if (withRegistry)
                transport.UseAvroEventContracts();
            // Declared after the transport, the way a slice module does it.
            options.PublishMessage<ReferralTask>().ToKafkaTopic(Topics.ReferralTask);
            options.PublishMessage<ProbeDeadLetter>().ToKafkaTopic(Topics.DeadLetters);
            configure?.Invoke(options);
        });
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    private static KafkaTopic Topic(IHost host, string name) =>
        host.Services.GetRequiredService<IWolverineRuntime>().Options.Transports.AllEndpoints()
            .OfType<KafkaTopic>().Single(topic => topic.TopicName == name);

    public sealed record ProbeDeadLetter(string Reason);

    public sealed record ProbeTierAssigned(Guid EventId, string TierId);
}
