using System.Text.Json;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Observability;

[Collection(IntegrationTier.Name)]
public sealed class FlatJsonLogTests(ReferralsApp app)
{
    private static readonly string[] ConversionFields =
    [
        "timestamp", "level", "message", "service", "version", "category",
        "shop_id", "referral_id", "event_type", "locale", "correlation_id", "trace_id", "span_id",
    ];

    [Fact]
    public async Task A_conversions_log_lines_are_flat_json_objects_that_together_carry_every_field()
    {
        var ct = TestContext.Current.CancellationToken;
        var correlationId = $"logs-{Guid.NewGuid():N}";
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 911, ct, locale: "he");
        using var http = app.CreateHttpClient();
        using var request = ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Main, ShopifyWebhooks.Order(shopifyCustomer: 912, discountCode: link.LinkId), Guid.NewGuid().ToString());
        request.Headers.Add("x-correlation-id", correlationId);

        (await http.SendAsync(request, ct)).EnsureSuccessStatusCode();
        app.EventsOf("referral.completed", link.ReferralId, atMost: 1, TimeSpan.FromSeconds(15), ct).ShouldHaveSingleItem();
        var conversion = await Eventually.ReturnsAsync(() => Task.FromResult(ServiceLinesWith(correlationId)),
            found => found.Any(l => l.Contains("referral_id", StringComparison.Ordinal)), TimeSpan.FromSeconds(15), ct);

        var objects = conversion.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        objects.ShouldAllBe(o => o.ValueKind == JsonValueKind.Object);
        objects.SelectMany(o => o.EnumerateObject()).ShouldAllBe(p => p.Value.ValueKind != JsonValueKind.Object && p.Value.ValueKind != JsonValueKind.Array,
            "no nested State or Scopes");
        var present = objects.SelectMany(o => o.EnumerateObject().Select(p => p.Name)).ToHashSet();
        ConversionFields.Where(f => !present.Contains(f)).ShouldBeEmpty(string.Join('\n', conversion));
        ValuesOf(objects, "referral_id").ShouldContain(link.ReferralId.ToString());
        ValuesOf(objects, "shop_id").ShouldContain(link.ShopId.ToString());
        ValuesOf(objects, "locale").ShouldContain("he");
        objects.ShouldAllBe(o => o.GetProperty("service").GetString() == "referrals");
        string.Join('\n', conversion).ShouldNotContain("@"); // no email addresses
    }

    private static List<string?> ValuesOf(IEnumerable<JsonElement> objects, string field) =>
        [.. objects.SelectMany(o => o.EnumerateObject()).Where(p => p.Name == field).Select(p => p.Value.ToString())];

    /// <summary>
    /// The service's console lines that carry the correlation id, from the file the fixture writes every resource's
    /// output to (<see cref="FileLoggerProvider"/>): "time level Referrals.AppHost.Resources.referrals: n: time {json}".
    /// </summary>
    private static string[] ServiceLinesWith(string correlationId)
    {
        using var stream = new FileStream(Path.Combine(AppContext.BaseDirectory, "TestResults", "stack.log"),
            FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Contains("Resources.referrals:", StringComparison.Ordinal) && line.Contains(correlationId, StringComparison.Ordinal))
                lines.Add(line[line.IndexOf('{', StringComparison.Ordinal)..]);
        }
        return [.. lines];
    }
}
