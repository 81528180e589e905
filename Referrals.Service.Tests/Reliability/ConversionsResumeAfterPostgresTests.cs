using System.Net;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// Conversions in flight and retries waiting in the durable inbox when Postgres goes away resume when it is back,
/// without a restart of the service, and each referral converts exactly once: one referral.completed.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class ConversionsResumeAfterPostgresTests(ReferralsApp app)
{
    private const int Orders = 6;

    [Theory]
    [InlineData(PostgresOutage.Stopped, 831)]
    [InlineData(PostgresOutage.Paused, 851)]
    public async Task Orders_accepted_before_an_outage_each_convert_once_when_postgres_is_back(string fault, long firstReferrer)
    {
        var ct = TestContext.Current.CancellationToken;
        var links = new List<ConversionFlow.CreatedLink>();
        for (var i = 0; i < Orders; i++)
            links.Add(await app.CreateReferralAsync(ShopifyWebhooks.Main, firstReferrer + 2 * i, ct));
        using var http = app.CreateHttpClient();
        using var core = new HttpClient { BaseAddress = app.CoreControlAddress };
        // Half the first attempts fail on Core, so those orders wait as scheduled retries when Postgres goes.
        using var expected = app.ExpectErrorLogs("CoreUnavailableException: the Core service did not answer (Unavailable)",
            "(Referrals.Service.Features.Conversions.ConvertOrder) from referrals to local://conversions/");
        (await core.PostAsync("/control/reset", null, ct)).EnsureSuccessStatusCode();
        (await core.PostAsync($"/control/fail?count={Orders / 2}&status=Unavailable", null, ct)).EnsureSuccessStatusCode();

        HttpResponseMessage[] accepted;
        try
        {
            accepted = await Task.WhenAll(links.Select((link, i) =>
                http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(firstReferrer + 2 * i + 1, discountCode: link.LinkId), ct: ct)));
            await using (await PostgresOutage.BeginAsync(app, fault, ct))
                await Task.Delay(TimeSpan.FromSeconds(6), ct);
        }
        finally
        {
            (await core.PostAsync("/control/reset", null, CancellationToken.None)).EnsureSuccessStatusCode();
        }
        foreach (var link in links)
            await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status is "completed" or "rewarded",
                TimeSpan.FromSeconds(60), ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // a second conversion would be on Kafka within this

        accepted.ShouldAllBe(answer => answer.StatusCode == HttpStatusCode.OK);
        foreach (var link in links)
            app.EventsOf("referral.completed", link.ReferralId, atMost: 2, TimeSpan.FromSeconds(5), ct).ShouldHaveSingleItem();
    }
}
