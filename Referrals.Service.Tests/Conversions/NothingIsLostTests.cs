using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Conversions;

/// <summary>An accepted webhook is processed, retried, or on referrals.dlq: never dropped.</summary>
[Collection(IntegrationTier.Name)]
public sealed class NothingIsLostTests(ReferralsApp app)
{
    [Fact]
    public async Task An_order_whose_processing_fails_three_times_is_parked_on_the_dead_letter_topic_with_its_failure_and_when_it_started()
    {
        var ct = TestContext.Current.CancellationToken;
        // With both instances up: a retry scheduled through the durable inbox may run on either, and the first failure
        // is noted in Postgres for both (SharedFirstFailures).
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 41, ct);
        using var http = app.CreateHttpClient();
        using var core = new HttpClient { BaseAddress = app.CoreControlAddress };
        var webhookId = Guid.NewGuid().ToString();
        // Core answers Unavailable: the conversion fails, is retried, then parked.
        using var expected = app.ExpectErrorLogs(
            "CoreUnavailableException: the Core service did not answer (Unavailable)",
            "(Referrals.Service.Features.Conversions.ConvertOrder) from referrals to local://conversions/");
        (await core.PostAsync("/control/reset", null, ct)).EnsureSuccessStatusCode();
        (await core.PostAsync("/control/fail?count=3&status=Unavailable", null, ct)).EnsureSuccessStatusCode();

        var response = await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(42, discountCode: link.LinkId), webhookId, ct);
        var parked = KafkaReader.Read(app.KafkaBootstrap, "referrals.dlq",
            r => r.Headers.GetValueOrDefault("x-shopify-webhook-id") == webhookId, count: 2, TimeSpan.FromSeconds(20), ct);
        var coreState = await core.GetFromJsonAsync<JsonElement>("/control", ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var deadLetter = parked.ShouldHaveSingleItem();
        deadLetter.Key.ShouldBe(link.ShopId.ToString());
        deadLetter.Headers["dlq_attempts"].ShouldBe("3");
        deadLetter.Headers["dlq_error_type"].ShouldEndWith("CoreUnavailableException");
        deadLetter.Headers["dlq_error_message"].ShouldContain("Unavailable");
        // First and last failure: the retries waited 0.5 s and 2 s (±25 %) in between.
        var firstFailedAt = DateTimeOffset.Parse(deadLetter.Headers["dlq_first_failed_at"], System.Globalization.CultureInfo.InvariantCulture);
        var lastFailedAt = DateTimeOffset.Parse(deadLetter.Headers["dlq_failed_at"], System.Globalization.CultureInfo.InvariantCulture);
        (lastFailedAt - firstFailedAt).ShouldBeGreaterThan(TimeSpan.FromSeconds(1.8));
        deadLetter.Headers["x-shopify-topic"].ShouldBe("orders/create");
        deadLetter.Headers["original_topic"].ShouldBe("shopify:orders/create");
        deadLetter.Payload.GetProperty("webhook_id").GetString().ShouldBe(webhookId);
        deadLetter.Payload.GetProperty("discount_codes")[0].GetString().ShouldBe(link.LinkId);
        deadLetter.Payload.ToString().ShouldNotContain("@"); // the buyer's email never entered the service
        coreState.GetProperty("calls_failed").GetInt64().ShouldBe(3);
        (await app.ReferralAsync(link.ShopId, link.ReferralId, ct))!.Status.ShouldBe("pending");
        (await app.ProcessedEventAsync(link.ShopId, webhookId, ct))!.Value.State.ShouldBe("accepted");
    }

    [Fact]
    public async Task Conversions_commit_while_the_broker_is_down_and_their_events_are_all_published_once_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var links = new List<ConversionFlow.CreatedLink>();
        for (var i = 0; i < 5; i++)
            links.Add(await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 50 + i, ct));
        using var http = app.CreateHttpClient();
        using var broker = new HttpClient { BaseAddress = app.KafkaControlAddress };
        // librdkafka in the service reports the broker it lost, and so may the clients that use it.
        using var expected = app.ExpectErrorLogs("brokers are down", $"Connect to ipv4#{app.KafkaBootstrap} failed",
            "Local: All broker connections are down", "Local: Broker transport failure");

        (await broker.PostAsync("/broker/down", null, ct)).EnsureSuccessStatusCode();
        try
        {
            foreach (var link in links)
            {
                (await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(60, discountCode: link.LinkId), ct: ct))
                    .StatusCode.ShouldBe(HttpStatusCode.OK);
            }
            foreach (var link in links)
            {
                await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct),
                    referral => referral?.Status == "completed", TimeSpan.FromSeconds(20), ct);
            }
        }
        finally
        {
            (await broker.PostAsync("/broker/up", null, CancellationToken.None)).EnsureSuccessStatusCode();
        }
        var ids = links.Select(l => l.ReferralId.ToString()).ToHashSet();
        var published = KafkaReader.Read(app.KafkaBootstrap, "referral.completed",
            r => ids.Contains(r.Payload.GetProperty("referral_id").GetString()!), count: 6, TimeSpan.FromSeconds(30), ct);

        published.Select(r => r.Payload.GetProperty("referral_id").GetString()).OrderBy(id => id)
            .ShouldBe(ids.OrderBy(id => id));
    }

    [Fact]
    public async Task An_order_accepted_but_not_yet_processed_when_the_service_stops_is_processed_after_it_restarts()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 61, ct);
        using var http = app.CreateHttpClient();
        using var core = new HttpClient { BaseAddress = app.CoreControlAddress };
        var webhookId = Guid.NewGuid().ToString();
        // Core answers Unavailable: the conversion fails, is retried, until the service stops.
        using var expected = app.ExpectErrorLogs(
            "CoreUnavailableException: the Core service did not answer (Unavailable)",
            "(Referrals.Service.Features.Conversions.ConvertOrder) from referrals to local://conversions/");
        (await core.PostAsync("/control/reset", null, ct)).EnsureSuccessStatusCode();
        (await core.PostAsync("/control/fail?count=1000&status=Unavailable", null, ct)).EnsureSuccessStatusCode();

        try
        {
            (await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(62, discountCode: link.LinkId), webhookId, ct))
                .StatusCode.ShouldBe(HttpStatusCode.OK);
            await Eventually.ReturnsAsync(() => core.GetFromJsonAsync<JsonElement>("/control", ct),
                state => state.GetProperty("calls_failed").GetInt64() >= 1, TimeSpan.FromSeconds(10), ct);
            // Both instances: a scheduled retry is picked up by whichever instance is running.
            await Task.WhenAll(ReferralsApp.ServiceInstances.Select(instance => app.StopResourceAsync(instance, ct)));
        }
        finally
        {
            (await core.PostAsync("/control/reset", null, CancellationToken.None)).EnsureSuccessStatusCode();
        }
        var whileStopped = await app.ProcessedEventAsync(link.ShopId, webhookId, ct);
        foreach (var instance in ReferralsApp.ServiceInstances)
            await app.StartResourceAsync(instance, ct);
        var completed = app.EventsOf("referral.completed", link.ReferralId, atMost: 2, TimeSpan.FromSeconds(30), ct);

        whileStopped!.Value.State.ShouldBe("accepted"); // stopped between acceptance and conversion
        completed.Count.ShouldBe(1);
        (await app.ProcessedEventAsync(link.ShopId, webhookId, ct))!.Value.Outcome.ShouldBe("converted");
    }
}
