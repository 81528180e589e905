using System.Text.Json;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>
/// `/ready`'s JSON body: <c>{"status": overall, "checks": {name: {"status", "description"}}}</c>. The status code
/// follows Postgres only; Redis or Kafka away makes the overall status Degraded (still 200).
/// </summary>
public sealed record ReadyBody(string Status, IReadOnlyDictionary<string, string> CheckStatus)
{
    public const string Healthy = "Healthy";

    public static async Task<ReadyBody> ReadAsync(HttpResponseMessage ready, CancellationToken ct)
    {
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(ct));
        var checks = body.RootElement.GetProperty("checks").EnumerateObject()
            .ToDictionary(check => check.Name, check => check.Value.GetProperty("status").GetString()!);
        return new ReadyBody(body.RootElement.GetProperty("status").GetString()!, checks);
    }

    /// <summary>200 and every check Healthy: Postgres, Redis (circuit breaker closed) and Kafka all answer.</summary>
    public static async Task<bool> IsWhollyHealthyAsync(HttpResponseMessage ready, CancellationToken ct) =>
        ready.IsSuccessStatusCode && (await ReadAsync(ready, ct)).Status == Healthy;
}
