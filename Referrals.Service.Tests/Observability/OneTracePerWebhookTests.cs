using System.Net;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Observability;

[Collection(IntegrationTier.Name)]
public sealed class OneTracePerWebhookTests(ReferralsApp app)
{
    private static readonly TimeSpan KafkaWait = TimeSpan.FromSeconds(15);
    private static readonly string[] EventTopics = ["referral.completed", "referral.task", "cache.invalidate"];

    [Fact]
    public async Task A_webhook_its_conversion_and_its_kafka_sends_are_one_connected_trace()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 901, ct);
        using var http = app.CreateHttpClient();
        var correlationId = $"trace-{Guid.NewGuid():N}";
        using var request = ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Main, ShopifyWebhooks.Order(shopifyCustomer: 902, discountCode: link.LinkId), Guid.NewGuid().ToString());
        request.Headers.Add("x-correlation-id", correlationId);

        var response = await http.SendAsync(request, ct);
        app.EventsOf("cache.invalidate", link.ReferralId, atMost: 1, KafkaWait, ct).ShouldHaveSingleItem();
        await Eventually.ReturnsAsync(() => Task.FromResult(TraceOf(correlationId)),
            spans => EventTopics.All(topic => spans.Any(s => IsKafkaSend(s, topic))), TimeSpan.FromSeconds(15), ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // spans are written when they end: let the enclosing ones end too
        var trace = TraceOf(correlationId);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var root = trace.Single(s => s.ParentSpanId is null);
        root.Source.ShouldBe("Microsoft.AspNetCore");
        root.Name.ShouldContain("/orders/create");
        trace.Where(s => s != root).ShouldAllBe(s => trace.Any(parent => parent.SpanId == s.ParentSpanId),
            "every span's parent is in the same trace:\n" + string.Join('\n', trace));
        trace.ShouldContain(s => s.Source != "Microsoft.AspNetCore" && s.ParentSpanId == root.SpanId,
            "the accept transaction runs inside the request");
        var handler = trace.Where(s => s.Source == "Wolverine" && s.Mentions("ConvertOrder") && s.Kind != "Producer")
            .OrderBy(s => s.Start).Last();
        var handlerAncestors = trace.Ancestors(handler);
        handlerAncestors.ShouldContain(root);
        var accept = handlerAncestors.TakeWhile(s => s != root).Last();
        accept.Source.ShouldBe("Marten", "the accept transaction's session: the webhook row and the queued order commit together");
        trace.ShouldContain(s => s.Source == "Wolverine" && s.Kind == "Producer" && s.Mentions("ConvertOrder")
            && (s.ParentSpanId == accept.SpanId || handlerAncestors.Any(a => a.SpanId == s.ParentSpanId)),
            "the order is sent to the durable local queue inside the accept transaction:\n" + string.Join('\n', trace.Select(Describe)));
        foreach (var topic in EventTopics)
            trace.Ancestors(trace.First(s => IsKafkaSend(s, topic))).ShouldContain(handler, $"{topic} is sent by the handler");
    }

    [Fact]
    public async Task Background_polling_starts_no_trace_of_its_own()
    {
        var ct = TestContext.Current.CancellationToken;
        var quietFrom = DateTimeOffset.UtcNow;

        await Task.Delay(TimeSpan.FromSeconds(3), ct);

        var roots = ExportedSpans.Read(app.SpanFile).Where(s => s.Start >= quietFrom && s.ParentSpanId is null).ToList();
        roots.ShouldBeEmpty(string.Join('\n', roots));
    }

    private List<ExportedSpan> TraceOf(string correlationId)
    {
        var spans = ExportedSpans.Read(app.SpanFile);
        var traceId = spans.FirstOrDefault(s => s.Tags.GetValueOrDefault("correlation_id") == correlationId && s.ParentSpanId is null)?.TraceId;
        return traceId is null ? [] : spans.Where(s => s.TraceId == traceId).ToList();
    }

    private static string Describe(ExportedSpan span) =>
        $"{span} {string.Join(' ', span.Tags.Select(t => $"{t.Key}={t.Value}"))}";

    private static bool IsKafkaSend(ExportedSpan span, string topic) =>
        span.Source == "Wolverine" && span.Kind == "Producer" && span.Mentions(topic);
}
