using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Npgsql;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Tiers;

/// <summary>The Campaign service's side: `vip_tier.assigned` produced with a plain Confluent producer, key = shop_id.</summary>
public static class CampaignEvents
{
    public static string TierAssigned(Guid eventId, Guid shop, Guid customer, string tier, DateTimeOffset assignedAt) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["event_id"] = eventId,
            ["customer_id"] = customer,
            ["shop_id"] = shop,
            ["tier_id"] = tier,
            ["assigned_at"] = assignedAt,
        });

    public static async Task ProduceAsync(this ReferralsApp app, string key, params string[] payloads)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = app.KafkaBootstrap, Acks = Acks.All })
            .SetLogHandler((_, _) => { }).Build();
        foreach (var payload in payloads)
            await producer.ProduceAsync("vip_tier.assigned", new Message<string, byte[]> { Key = key, Value = Encoding.UTF8.GetBytes(payload) });
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    /// <summary>Dead letters as raw text (a malformed payload is not JSON), with their headers.</summary>
    public static IReadOnlyList<(string Value, IReadOnlyDictionary<string, string> Headers)> DeadLetters(this ReferralsApp app,
        Func<string, bool> match, int count, TimeSpan within, CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = app.KafkaBootstrap,
            GroupId = $"tests-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe("referrals.dlq");
        var found = new List<(string, IReadOnlyDictionary<string, string>)>();
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && found.Count < count && !ct.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is null)
                continue;
            var value = Encoding.UTF8.GetString(result.Message.Value);
            if (match(value))
                found.Add((value, (result.Message.Headers ?? []).ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()))));
        }
        consumer.Close();
        return found;
    }

    public static async Task<string?> TierOfAsync(this ReferralsApp app, Guid shop, Guid customer, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select data->>'tier_id' from referrals.mt_doc_customertier where tenant_id = @shop and id = @id", connection);
        command.Parameters.AddWithValue("shop", shop.ToString());
        command.Parameters.AddWithValue("id", customer);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    public static Task<(string State, string? Outcome)?> ProcessedAsync(this ReferralsApp app, Guid shop, Guid eventId, CancellationToken ct) =>
        Eventually.ReturnsAsync(() => app.ProcessedEventAsync(shop, eventId.ToString(), ct), row => row?.State == "processed",
            TimeSpan.FromSeconds(20), ct);
}
