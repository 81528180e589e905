#:package Confluent.Kafka
#:package Npgsql
#:property PublishAot=false
// Replay bench: the achieved replay rate against the configured one, and reprocess-dlq's unthrottled throughput.
// Runs against a running stack (bash scripts/run-stack.sh); see README.md beside this file.
#pragma warning disable CA1303, CA1812, CA2007, CA1849, CA1305, CA1307
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Npgsql;

var kafka = Environment.GetEnvironmentVariable("ConnectionStrings__kafka") ?? "127.0.0.1:9092";
var database = Environment.GetEnvironmentVariable("ConnectionStrings__referralsdb")
    ?? "Host=127.0.0.1;Port=5434;Database=referrals;Username=postgres;Password=referrals-dev-password";
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var configured = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 100;
var serviceDll = args.Length > 2 ? args[2] : Path.Combine("Referrals.Service", "bin", "Release", "net10.0", "Referrals.Service.dll");
var shop = Guid.Parse("5f0c6a8e-0000-4000-8000-000000000002"); // the second dev shop: no referral links are touched

using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka, Acks = Acks.All, LingerMs = 5 }).Build();

// 1. Replay: N orders without a referral onto referrals.replay; the service processes each at its configured pace.
var ids = Enumerable.Range(0, count).Select(_ => $"bench-{Guid.NewGuid():N}").ToArray();
await Task.WhenAll(ids.Select(id => producer.ProduceAsync("referrals.replay", ConvertOrder(id, dlqId: null, failedAt: null))));
Console.WriteLine($"replay: {count} events on referrals.replay, configured {configured}/s (Replay:RatePerSecond of the running service)");
var (processed, first, last) = (0L, DateTime.MinValue, DateTime.MinValue);
var waitUntil = DateTime.UtcNow + TimeSpan.FromSeconds(count / Math.Min(configured, 50) + 60);
while (DateTime.UtcNow < waitUntil)
{
    await using var connection = new NpgsqlConnection(database);
    await connection.OpenAsync();
    await using var query = new NpgsqlCommand(
        "select count(*), min((data->>'processed_at')::timestamptz), max((data->>'processed_at')::timestamptz) " +
        "from referrals.mt_doc_processed_events where id = any(@ids) and data->>'state' = 'processed'", connection);
    query.Parameters.AddWithValue("ids", ids);
    await using var reader = await query.ExecuteReaderAsync();
    await reader.ReadAsync();
    processed = reader.GetInt64(0);
    if (processed == count)
    {
        (first, last) = (reader.GetDateTime(1), reader.GetDateTime(2));
        break;
    }
    await Task.Delay(500);
}
var seconds = (last - first).TotalSeconds;
Console.WriteLine(processed == count
    ? $"replay: achieved {(count - 1) / seconds:0.0}/s over {seconds:0.0} s (configured {configured}/s)"
    : $"replay: only {processed}/{count} processed before the timeout");

// 2. Reprocess: N dead letters in a private window, moved by reprocess-dlq --apply --rate 0 (unthrottled).
var window = new DateTimeOffset(2035, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(0, 500_000));
var reprocessedWebhookIds = Enumerable.Range(0, count).Select(_ => $"bench-{Guid.NewGuid():N}").ToArray();
await Task.WhenAll(reprocessedWebhookIds.Select((id, i) =>
    producer.ProduceAsync("referrals.dlq", ConvertOrder(id, $"bench-{Guid.NewGuid():N}", window.AddMilliseconds(i)))));
producer.Flush();
var command = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, Environment = { ["ConnectionStrings__kafka"] = kafka, ["ConnectionStrings__referralsdb"] = database } };
foreach (var arg in (string[])[serviceDll, "reprocess-dlq", "--shop", shop.ToString(), "--from", window.ToString("O"), "--to", window.AddMinutes(1).ToString("O"), "--apply", "--rate", "0"])
    command.ArgumentList.Add(arg);
var clock = Stopwatch.StartNew();
using var process = Process.Start(command)!;
using Referrals.Service.Clients;
using Referrals.Service.Features.Conversions;
var output = await process.StandardOutput.ReadToEndAsync();
await process.WaitForExitAsync();
Console.WriteLine($"reprocess-dlq (unthrottled, {count} dead letters): exit {process.ExitCode}, {clock.Elapsed.TotalSeconds:0.0} s including start-up and the scan; " +
    (output.Split('\n').LastOrDefault(l => l.StartsWith("Done:", StringComparison.Ordinal)) ?? "no summary"));

// 3. The reprocessed dead letters go through the service's replay pace too; wait for them, so that the next run
//    starts on an empty referrals.replay (a backlog left behind would be measured as the next run's replay rate).
var processedSince = Stopwatch.StartNew();
var reprocessed = await WaitForProcessedAsync(reprocessedWebhookIds, TimeSpan.FromSeconds(count / Math.Min(configured, 50) + 60));
Console.WriteLine($"reprocessed dead letters processed by the service: {reprocessed}/{count} within {processedSince.Elapsed.TotalSeconds:0.0} s of the command's end");

async Task<long> WaitForProcessedAsync(string[] webhookIds, TimeSpan within)
{
    var until = DateTime.UtcNow + within;
    long done = 0;
    while (DateTime.UtcNow < until && done < webhookIds.Length)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "select count(*) from referrals.mt_doc_processed_events where id = any(@ids) and data->>'state' = 'processed'", connection);
        query.Parameters.AddWithValue("ids", webhookIds);
        done = (long)(await query.ExecuteScalarAsync())!;
        if (done < webhookIds.Length)
            await Task.Delay(500);
    }
    return done;
}

Message<string, string> ConvertOrder(string webhookId, string? dlqId, DateTimeOffset? failedAt)
{
    var headers = new Headers
    {
        { "id", Encoding.UTF8.GetBytes(Guid.NewGuid().ToString()) },
        { "message-type", "Referrals.Service.Features.Conversions.ConvertOrder"u8.ToArray() },
        { "content-type", "application/json"u8.ToArray() },
        { "tenant-id", Encoding.UTF8.GetBytes(shop.ToString()) },
        { "event_type", "order.created"u8.ToArray() },
    };
    if (dlqId is not null)
    {
        headers.Add("dlq_id", Encoding.UTF8.GetBytes(dlqId));
        headers.Add("dlq_failed_at", Encoding.UTF8.GetBytes(failedAt!.Value.ToString("O")));
        headers.Add("dlq_error_type", "Referrals.Service.Clients.CoreUnavailableException"u8.ToArray());
    }
    return new Message<string, string>
    {
        Key = shop.ToString(),
        Value = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["shop_id"] = shop, ["webhook_id"] = webhookId, ["order_id"] = Random.Shared.NextInt64(1, long.MaxValue),
            ["shopify_customer_id"] = 7, ["test"] = false, ["cancelled"] = false, ["discount_codes"] = Array.Empty<string>(),
            ["landing_site_ref"] = null, ["note_referral_code"] = null, ["received_at"] = DateTimeOffset.UtcNow,
        }),
        Headers = headers,
    };
}
