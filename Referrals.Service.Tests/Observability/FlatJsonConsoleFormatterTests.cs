using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Referrals.Service.Tests.Observability;

[Trait("Tier", "Unit")]
public sealed class FlatJsonConsoleFormatterTests
{
    [Fact]
    public void Template_properties_and_scope_entries_become_top_level_snake_case_fields()
    {
        var scopes = new LoggerExternalScopeProvider();
        using var scope = scopes.Push(new Dictionary<string, object> { ["correlation_id"] = "c-1", ["ShopId"] = "outer" });
        using var inner = scopes.Push(new Dictionary<string, object> { ["ShopId"] = "shop-1" });
        var state = new Dictionary<string, object?> { ["ReferralId"] = "r-1", ["OrderId"] = 42L, ["{OriginalFormat}"] = "Order {OrderId} names {ReferralId}" };

        var line = Format(state, scopes);

        var json = JsonDocument.Parse(line).RootElement;
        json.GetProperty("referral_id").GetString().ShouldBe("r-1");
        json.GetProperty("order_id").GetInt64().ShouldBe(42);
        json.GetProperty("shop_id").GetString().ShouldBe("shop-1");
        json.GetProperty("correlation_id").GetString().ShouldBe("c-1");
        json.GetProperty("level").GetString().ShouldBe("info");
        json.GetProperty("service").GetString().ShouldBe("referrals");
        json.GetProperty("message").GetString().ShouldBe("the message");
        json.TryGetProperty("original_format", out _).ShouldBeFalse();
        json.EnumerateObject().ShouldAllBe(p => p.Value.ValueKind != JsonValueKind.Object && p.Value.ValueKind != JsonValueKind.Array);
        line.ShouldNotContain('\n');
    }

    [Fact]
    public void A_property_cannot_overwrite_a_fixed_field()
    {
        var line = Format(new Dictionary<string, object?> { ["Level"] = "forged", ["Message"] = "forged" }, new LoggerExternalScopeProvider());

        var json = JsonDocument.Parse(line).RootElement;
        json.GetProperty("level").GetString().ShouldBe("info");
        json.GetProperty("message").GetString().ShouldBe("the message");
    }

    private static string Format(IReadOnlyDictionary<string, object?> state, IExternalScopeProvider scopes)
    {
        using var formatter = new FlatJsonConsoleFormatter(new FixedOptions(new FlatJsonConsoleFormatterOptions
        {
            IncludeScopes = true,
            Service = "referrals",
            Version = "1.0.0",
        }));
        using var output = new StringWriter();
        var entry = new LogEntry<IReadOnlyDictionary<string, object?>>(LogLevel.Information, "Tests", default, state, null, (_, _) => "the message");
        formatter.Write(entry, scopes, output);
        return output.ToString().TrimEnd();
    }

    private sealed class FixedOptions(FlatJsonConsoleFormatterOptions value) : IOptionsMonitor<FlatJsonConsoleFormatterOptions>
    {
        public FlatJsonConsoleFormatterOptions CurrentValue => value;
        public FlatJsonConsoleFormatterOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<FlatJsonConsoleFormatterOptions, string?> listener) => null;
    }
}
