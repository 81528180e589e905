using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// A message is settled only once it was processed or parked: a dead letter that cannot be parked yet (Postgres away
/// for the outbox) is parked once it can, and an empty payload is parked like any other, as it was.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class ParkingFailureTests(ReferralsApp app)
{
    [Fact]
    public async Task An_order_failing_for_good_while_postgres_is_away_is_parked_once_postgres_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 881, ct);
        using var http = app.CreateHttpClient();
        using var core = new HttpClient { BaseAddress = app.CoreControlAddress };
        var webhookId = Guid.NewGuid().ToString();
        using var expected = app.ExpectErrorLogs("CoreUnavailableException: the Core service did not answer (Unavailable)",
            "(Referrals.Service.Features.Conversions.ConvertOrder) from referrals to local://conversions/");
        (await core.PostAsync("/control/reset", null, ct)).EnsureSuccessStatusCode();
        // Core fails every call, 3 s after it was made: the third and last attempt fails while Postgres is away.
        (await core.PostAsync("/control/fail?count=-1&status=Unavailable&delay_ms=3000", null, ct)).EnsureSuccessStatusCode();
        try
        {
            (await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(882, discountCode: link.LinkId), webhookId, ct))
                .StatusCode.ShouldBe(HttpStatusCode.OK);
            await Eventually.ReturnsAsync(() => core.GetFromJsonAsync<JsonElement>("/control", ct),
                state => state.GetProperty("calls_total").GetInt64() >= 3, TimeSpan.FromSeconds(30), ct);
            await using (await PostgresOutage.BeginAsync(app, PostgresOutage.Stopped, ct))
                await Task.Delay(TimeSpan.FromSeconds(6), ct);
        }
        finally
        {
            (await core.PostAsync("/control/reset", null, CancellationToken.None)).EnsureSuccessStatusCode();
        }

        var parked = RawKafka.Read(app.KafkaBootstrap, "referrals.dlq", r => r.Header("x-shopify-webhook-id") == webhookId, count: 2,
            TimeSpan.FromSeconds(30), ct);

        var deadLetter = parked.ShouldHaveSingleItem();
        deadLetter.Header("dlq_attempts").ShouldBe("3");
        deadLetter.Header("dlq_error_type").ShouldBe("Referrals.Service.Clients.CoreUnavailableException");
        (await app.ReferralAsync(link.ShopId, link.ReferralId, ct))!.Status.ShouldBe("pending");
    }

    [Fact]
    public async Task An_empty_record_on_a_consumed_topic_is_parked_empty_with_its_headers()
    {
        var ct = TestContext.Current.CancellationToken;
        var marker = Guid.NewGuid().ToString();
        var empty = new RawRecord("", 0, 0, Encoding.UTF8.GetBytes(DevShops.Main.ToString()), [],
            [("test_marker", Encoding.UTF8.GetBytes(marker))]);
        using var expected = app.ExpectErrorLogs("Referrals.Service.Features.Tiers.RejectedTierEventException: ");

        await RawKafka.ProduceAsync(app.KafkaBootstrap, "vip_tier.assigned", [empty], ct);
        var parked = RawKafka.Read(app.KafkaBootstrap, "referrals.dlq", r => r.Header("test_marker") == marker, count: 2,
            TimeSpan.FromSeconds(20), ct);

        var deadLetter = parked.ShouldHaveSingleItem();
        (deadLetter.Value ?? []).ShouldBeEmpty(); // as it came, replayable as it was
        deadLetter.KeyText.ShouldBe(DevShops.Main.ToString());
        deadLetter.Header("original_topic").ShouldBe("vip_tier.assigned");
        deadLetter.Header("dlq_reason").ShouldNotBeNullOrWhiteSpace();
    }
}
