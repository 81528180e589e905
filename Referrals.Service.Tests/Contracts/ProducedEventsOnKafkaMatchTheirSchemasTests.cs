extern alias service;

using System.Text;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Infrastructure;
using service::Referrals.Service.Messaging.EventContracts;

namespace Referrals.Service.Tests.Contracts;

/// <summary>
/// What the running service really puts on Kafka (Wolverine's serializer, not a test's) has exactly the fields of the
/// schema version named in its `schema_version` header.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class ProducedEventsOnKafkaMatchTheirSchemasTests(ReferralsApp app)
{
    [Fact]
    public async Task The_invite_task_on_kafka_has_exactly_the_fields_of_its_declared_referral_task_schema()
    {
        var ct = TestContext.Current.CancellationToken;
        var (client, channel) = app.Client();
        using var _ = channel;
        var correlationId = $"contracts-{Guid.NewGuid():N}";
        var headers = ReferralsGrpc.Bearer(DevShops.AdminToken(DevShops.Main));
        headers.Add("x-correlation-id", correlationId);

        await client.CreateReferralAsync(new CreateReferralRequest
        {
            ShopId = DevShops.Main.ToString(),
            CustomerId = DevShops.Customer(DevShops.Main, 901).ToString(),
            Locale = "en",
            RequestId = Guid.NewGuid().ToString(),
        }, headers, cancellationToken: ct);
        var task = KafkaReader.Read(app.KafkaBootstrap, "referral.task",
            record => record.Headers.GetValueOrDefault("correlation_id") == correlationId, count: 1, TimeSpan.FromSeconds(10), ct)
            .ShouldHaveSingleItem();

        var schema = EventSchemas.For(task.Headers["event_type"], task.Headers["schema_version"]).Schema;
        task.Payload.EnumerateObject().Select(p => p.Name).ShouldBe(schema.Fields.Select(f => f.Name), ignoreOrder: true);
        Should.NotThrow(() => WireJsonAvro.ToAvro(Encoding.UTF8.GetBytes(task.Payload.GetRawText()), schema));
    }
}
