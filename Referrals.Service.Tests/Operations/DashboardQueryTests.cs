using System.Net;
using System.Text.Json;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Program;
using StackExchange.Redis;

namespace Referrals.Service.Tests.Operations;

/// <summary>
/// Every panel query of deploy/grafana/dashboards against the Prometheus the AppHost runs, after traffic that touches
/// every metric: a query Prometheus refuses, or one that returns nothing (a misspelt metric or label), names its panel.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class DashboardQueryTests(ReferralsApp app)
{
    private static readonly string DashboardFolder = Path.Combine(Repository.Root, "deploy", "grafana", "dashboards");

    // Grafana's own variables, as a fixed window the scrape interval (5 s) fills several times over.
    private static readonly (string Variable, string Value)[] GrafanaVariables =
        [("$__rate_interval", "1m"), ("$__interval", "1m"), ("$__range", "1m")];

    [Fact]
    public async Task Every_panel_query_returns_data_from_the_prometheus_scraping_the_stack()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.App.ResourceNotifications.WaitForResourceHealthyAsync("prometheus", ct);
        var targets = PanelTargets().ToList();
        using var prometheus = new HttpClient { BaseAddress = app.PrometheusAddress, Timeout = TimeSpan.FromSeconds(30) };

        await SendTrafficAsync(ct);
        IReadOnlyList<string> failures;
        try
        {
            failures = await Eventually.ReturnsAsync(() => FailingTargetsAsync(prometheus, targets, ct),
                failing => failing.Count == 0, TimeSpan.FromSeconds(90), ct);
        }
        catch (TimeoutException)
        {
            failures = await FailingTargetsAsync(prometheus, targets, ct);
        }

        targets.Count.ShouldBeGreaterThanOrEqualTo(20);
        failures.ShouldBeEmpty(string.Join('\n', failures));
    }

    /// <summary>A conversion, a self-referral, an unknown code, status reads (miss, then hit), a timed-out review and a burst over the shop limit.</summary>
    private async Task SendTrafficAsync(CancellationToken ct)
    {
        using var http = app.CreateHttpClient();
        var converted = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 951, ct);
        var selfReferred = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 953, ct, locale: "he");
        var webhookId = Guid.NewGuid().ToString();

        (await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(952, discountCode: converted.LinkId), webhookId, ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(953, discountCode: selfReferred.LinkId), ct: ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(954, discountCode: "Zz9Zz9Zz9Zz9"), ct: ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.ReturnsAsync(() => app.ProcessedEventAsync(converted.ShopId, webhookId, ct),
            row => row?.State == "processed", TimeSpan.FromSeconds(15), ct);

        // The texts stay in Redis across service restarts: without dropping one, a freshly started instance would count
        // only hits, and the hit-ratio panel (hits / (hits + misses)) would have no misses series to divide by.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString))
            await redis.GetDatabase().KeyDeleteAsync(["translations:referral.status.completed:ar",
                $"translations:{DevShops.Main}:referral.status.completed:ar"]);
        var token = DevShops.MerchantToken(DevShops.Main);
        foreach (var locale in new[] { "en", "ar", "en" })
            await app.GetStatusAsync(DevShops.Main, converted.ReferralId.ToString(), token, ct, locale);

        // A review the timeout decides at once (hold_days 0): the review-decision panel has a series to show.
        await using (await app.ProgramSettingsAsync(new { hold_days = 0, fraud = new { new_customers_only = "review" } }, ct))
        {
            var reviewed = await app.LinkOfAsync(107800, ct);
            (await app.ConvertAsync(ProgramFlow.Order(107801, reviewed.LinkId, ordersCount: 3), ct)).ShouldBe("held_for_review");
            await app.ReferralOnceAsync(reviewed.ReferralId, "completed", ct);
        }

        var burst = Enumerable.Range(0, 45)
            .Select(_ => ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Other, ShopifyWebhooks.Order(955), Guid.NewGuid().ToString()));
        var answers = await Task.WhenAll(burst.Select(request => http.SendAsync(request, ct)));
        await app.ForgetRateLimitAsync(ShopifyWebhooks.Other);
        answers.ShouldContain(answer => answer.StatusCode == HttpStatusCode.TooManyRequests);
    }

    private static async Task<IReadOnlyList<string>> FailingTargetsAsync(HttpClient prometheus, IEnumerable<PanelTarget> targets,
        CancellationToken ct)
    {
        var failing = new List<string>();
        foreach (var target in targets)
        {
            using var response = await prometheus.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(target.Query)}", ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            using var answer = JsonDocument.Parse(body);
            if (answer.RootElement.GetProperty("status").GetString() != "success")
                failing.Add($"{target}: query error {answer.RootElement.GetProperty("error").GetString()}");
            else if (answer.RootElement.GetProperty("data").GetProperty("result").GetArrayLength() == 0)
                failing.Add($"{target}: empty result");
        }
        return failing;
    }

    private static IEnumerable<PanelTarget> PanelTargets()
    {
        var dashboards = Directory.GetFiles(DashboardFolder, "*.json");
        dashboards.ShouldNotBeEmpty();
        foreach (var file in dashboards)
        {
            using var dashboard = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var panel in Panels(dashboard.RootElement.GetProperty("panels")))
            {
                if (!panel.TryGetProperty("targets", out var targets))
                    continue;
                foreach (var target in targets.EnumerateArray())
                {
                    var query = GrafanaVariables.Aggregate(target.GetProperty("expr").GetString()!,
                        (expr, variable) => expr.Replace(variable.Variable, variable.Value, StringComparison.Ordinal));
                    yield return new PanelTarget(Path.GetFileName(file), panel.GetProperty("title").GetString()!,
                        target.GetProperty("refId").GetString()!, query);
                }
            }
        }
    }

    /// <summary>The panels of a dashboard, those inside collapsed rows included.</summary>
    private static IEnumerable<JsonElement> Panels(JsonElement panels) =>
        panels.EnumerateArray().SelectMany(panel => panel.TryGetProperty("panels", out var inner)
            ? Panels(inner).Prepend(panel)
            : [panel]);

    private sealed record PanelTarget(string Dashboard, string Panel, string RefId, string Query)
    {
        public override string ToString() => $"{Dashboard} panel '{Panel}' target {RefId} ({Query})";
    }
}
