using System.Net;
using Npgsql;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// One of two instances dies (SIGKILL) with conversions in its durable inbox, owned by it: the survivor takes the dead
/// node's inbox and outbox over within seconds, and every accepted order converts exactly once.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class InstanceKillTests(ReferralsApp app)
{
    private const int Orders = 30;

    /// <summary>
    /// Each of the first Core calls hangs this long and then fails (Unavailable, retried): a conversion the second
    /// instance accepted is still being handled when it is stopped, however fast or busy the machine.
    /// </summary>
    private const int CoreDelayMs = 4_000;

    [Fact]
    public async Task Killing_an_instance_mid_backlog_loses_no_conversion_and_duplicates_none()
    {
        var ct = TestContext.Current.CancellationToken;
        var links = new List<ConversionFlow.CreatedLink>();
        for (var i = 0; i < Orders; i++)
            links.Add(await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 620 + i, ct));
        var webhookIds = links.Select(_ => Guid.NewGuid().ToString()).ToList();
        var bodies = links.Select(link => ShopifyWebhooks.Order(950, discountCode: link.LinkId)).ToList();
        await app.ForgetRateLimitAsync(ShopifyWebhooks.Main);
        using var first = app.CreateHttpClient();
        using var second = app.CreateSecondHttpClient();
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var core = new HttpClient { BaseAddress = app.CoreControlAddress };
        // The dead instance's Kafka clients, connections and the survivor's view of them; the slow Core's failures.
        using var expected = app.ExpectErrorLogs("Connection refused", "connection reset by peer",
            "CoreUnavailableException: the Core service did not answer (Unavailable)",
            "(Referrals.Service.Features.Conversions.ConvertOrder) from referrals");

        try
        {
            (await core.PostAsync("/control/reset", null, ct)).EnsureSuccessStatusCode();
            (await core.PostAsync($"/control/fail?count={Orders}&status=Unavailable&delay_ms={CoreDelayMs}", null, ct)).EnsureSuccessStatusCode();
            // Half the orders to each instance at once, as a load balancer would.
            var deliveries = links.Select((link, i) => Deliver(i % 2 == 0 ? first : second, bodies[i], webhookIds[i], abandon.Token)).ToList();
            var toSecond = Enumerable.Range(0, Orders).Where(i => i % 2 == 1).ToList();
            // Stop the second instance (SIGSTOP) once some of its orders are accepted, before it converts them all.
            await Eventually.ReturnsAsync(() => Task.FromResult(toSecond.Count(i => deliveries[i].IsCompletedSuccessfully && deliveries[i].Result)),
                accepted => accepted >= 3, TimeSpan.FromSeconds(60), ct);
            using (ProcessFaults.Pause(app.Ports.SecondHttp))
            {
                var inFlight = await UnhandledConversionsAsync(toSecond.Select(i => webhookIds[i]), ct);
                inFlight.ShouldBeGreaterThan(0, "the second instance owned no conversion in flight when it was stopped");
                ProcessFaults.Kill(app.Ports.SecondHttp);
            }
            var killedAt = DateTimeOffset.UtcNow;
            await abandon.CancelAsync();
            var outcomes = await Task.WhenAll(deliveries.Select(async d =>
            {
                try
                {
                    return await d;
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }));
            // Shopify delivers what was not answered 200 again, with the same webhook id; the survivor answers.
            for (var i = 0; i < Orders; i++)
            {
                if (!outcomes[i])
                    (await Deliver(first, bodies[i], webhookIds[i], ct)).ShouldBeTrue();
            }

            // The dead node is ejected ~15 s after the kill (ClusterDurability), its conversions then take one Core retry;
            // with Wolverine's defaults (60 s until a node is stale) nothing it owned could be taken over by this deadline.
            var recoveredBy = killedAt + TimeSpan.FromSeconds(40);
            foreach (var link in links)
            {
                await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct),
                    referral => referral?.Status == "completed", Max(recoveredBy - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1)), ct);
            }
            var referralIds = links.Select(l => l.ReferralId.ToString()).ToHashSet();
            var completed = KafkaReader.Read(app.KafkaBootstrap, "referral.completed",
                r => referralIds.Contains(r.Payload.GetProperty("referral_id").GetString()!), Orders + 1, TimeSpan.FromSeconds(10), ct);

            completed.Count.ShouldBe(Orders);
            completed.Select(r => r.Payload.GetProperty("referral_id").GetString()).Distinct().Count().ShouldBe(Orders);
            completed.Select(r => r.Payload.GetProperty("event_id").GetString()).Distinct().Count().ShouldBe(Orders);
        }
        finally
        {
            (await core.PostAsync("/control/reset", null, CancellationToken.None)).EnsureSuccessStatusCode();
            await app.StartResourceAsync("referrals-2", ct);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static async Task<bool> Deliver(HttpClient http, string body, string webhookId, CancellationToken ct)
    {
        try
        {
            using var response = await http.PostOrderAsync(ShopifyWebhooks.Main, body, webhookId, ct);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>
    /// ConvertOrder envelopes of these webhooks in Wolverine's inbox owned by a node (being handled there), not
    /// scheduled retries, which belong to any node (owner 0) and prove nothing about a takeover.
    /// </summary>
    private async Task<long> UnhandledConversionsAsync(IEnumerable<string> webhookIds, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select count(*) from referrals.wolverine_incoming_envelopes e, unnest(@ids) w(webhook_id) " +
            "where e.message_type like '%ConvertOrder%' and e.status = 'Incoming' and e.owner_id <> 0 and position(convert_to(w.webhook_id, 'UTF8') in e.body) > 0",
            connection);
        command.Parameters.AddWithValue("ids", webhookIds.ToArray());
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
