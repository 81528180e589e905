using System.Globalization;
using Confluent.Kafka;
using Npgsql;
using Referrals.Contracts.V1;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>Referrals as tests need them: created through gRPC, moved the way another slice would, metrics read.</summary>
public static class ReferralCalls
{
    public static async Task<CreateReferralResponse> CreateReferralAsync(this ReferralsApp app, Guid shop, Guid customer, CancellationToken ct,
        string locale = "en")
    {
        var (client, channel) = app.Client();
        using var _ = channel;
        return await client.CreateReferralAsync(new CreateReferralRequest
        {
            ShopId = shop.ToString(),
            CustomerId = customer.ToString(),
            Locale = locale,
            RequestId = Guid.NewGuid().ToString(),
        }, ReferralsGrpc.Bearer(DevShops.AdminToken(shop)), cancellationToken: ct);
    }

    public static async Task<GetReferralStatusResponse> GetStatusAsync(this ReferralsApp app, Guid shop, string referralId, string token,
        CancellationToken ct, string locale = "en")
    {
        var (client, channel) = app.Client();
        using var _ = channel;
        return await client.GetReferralStatusAsync(new GetReferralStatusRequest { ShopId = shop.ToString(), ReferralId = referralId, Locale = locale },
            ReferralsGrpc.Bearer(token), cancellationToken: ct);
    }

    /// <summary>Moves a referral in Postgres, as a status-changing handler commits it (the document's status spelling).</summary>
    public static async Task SetStatusInDatabaseAsync(this ReferralsApp app, string referralId, string documentStatus, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "update referrals.mt_doc_referral set data = jsonb_set(data, '{status}', to_jsonb(@status::text)) where id = @id", connection);
        command.Parameters.AddWithValue("status", documentStatus);
        command.Parameters.AddWithValue("id", Guid.Parse(referralId));
        (await command.ExecuteNonQueryAsync(ct)).ShouldBe(1);
    }

    /// <summary>The document's status spelling as Marten stored it for a referral (so a test writes the same form).</summary>
    public static async Task<string> DocumentStatusAsync(this ReferralsApp app, string referralId, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("select data ->> 'status' from referrals.mt_doc_referral where id = @id", connection);
        command.Parameters.AddWithValue("id", Guid.Parse(referralId));
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Publishes cache.invalidate for a referral's status entry, as a status change's outbox does.</summary>
    public static async Task PublishReferralInvalidationAsync(this ReferralsApp app, Guid shop, string referralId, CancellationToken ct)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = app.KafkaBootstrap }).Build();
        await producer.ProduceAsync("cache.invalidate", new Message<string, string>
        {
            Key = shop.ToString(),
            Value = $$"""{"key":"referral:{{shop}}:{{referralId}}","shop_id":"{{shop}}","type":"referral","locale":"en","created_at":"{{DateTimeOffset.UtcNow:O}}"}""",
        }, ct);
    }

    /// <summary>The sum of a Prometheus sample over the series whose labels contain <paramref name="labelPart"/>.</summary>
    public static async Task<double> MetricAsync(this ReferralsApp app, string sample, string labelPart, CancellationToken ct)
    {
        using var http = app.CreateHttpClient();
        var body = await http.GetStringAsync("/metrics", ct);
        return body.Split('\n')
            .Where(line => line.StartsWith(sample + "{", StringComparison.Ordinal) && line.Contains(labelPart, StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }
}
