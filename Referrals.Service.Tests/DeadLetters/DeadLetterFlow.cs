using System.Net.Http.Json;
using System.Text.Json;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.DeadLetters;

/// <summary>Arrange helpers: an order that is dead-lettered because Core fails it three times.</summary>
public static class DeadLetterFlow
{
    public sealed record Parked(ConversionFlow.CreatedLink Link, string WebhookId, RawRecord DeadLetter);

    public static async Task<Parked> DeadLetterAnOrderAsync(this ReferralsApp app, ShopifyWebhooks.DevShop shop, long referrerNumber,
        CancellationToken ct)
    {
        var link = await app.CreateReferralAsync(shop, referrerNumber, ct);
        using var http = app.CreateHttpClient();
        using var core = new HttpClient { BaseAddress = app.CoreControlAddress };
        var webhookId = Guid.NewGuid().ToString();
        // Core answers Unavailable: the conversion fails, is retried, then parked.
        using var expected = app.ExpectErrorLogs(
            "CoreUnavailableException: the Core service did not answer (Unavailable)",
            "(Referrals.Service.Features.Conversions.ConvertOrder) from referrals to local://conversions/");
        (await core.PostAsync("/control/reset", null, ct)).EnsureSuccessStatusCode();
        (await core.PostAsync("/control/fail?count=3&status=Unavailable", null, ct)).EnsureSuccessStatusCode();
        try
        {
            (await http.PostOrderAsync(shop, ShopifyWebhooks.Order(referrerNumber + 1, discountCode: link.LinkId), webhookId, ct)).EnsureSuccessStatusCode();
            var parked = RawKafka.Read(app.KafkaBootstrap, "referrals.dlq", r => r.Header("x-shopify-webhook-id") == webhookId, 1,
                TimeSpan.FromSeconds(20), ct);
            return new Parked(link, webhookId, parked.ShouldHaveSingleItem());
        }
        finally
        {
            await Eventually.ReturnsAsync(() => core.GetFromJsonAsync<JsonElement>("/control", CancellationToken.None),
                state => state.GetProperty("calls_failed").GetInt64() >= 3, TimeSpan.FromSeconds(20), CancellationToken.None);
            (await core.PostAsync("/control/reset", null, CancellationToken.None)).EnsureSuccessStatusCode();
        }
    }
}
