extern alias service;

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using service::Referrals.Service.Webhooks;

namespace Referrals.Service.Tests.Conversions;

/// <summary>Which address the per-IP limits partition on (<see cref="WebhookRateLimits.KnownProxies"/>).</summary>
[Trait("Tier", "Unit")]
public sealed class ClientAddressTests
{
    private static async Task<IPAddress?> ClientAddressAsync(string remote, string? forwardedFor, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var options = new ForwardedHeadersOptions();
        WebhookRateLimits.KnownProxies(options, configuration);
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwardedFor is not null)
            http.Request.Headers["X-Forwarded-For"] = forwardedFor;

        await new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, Options.Create(options)).Invoke(http);
        return http.Connection.RemoteIpAddress;
    }

    [Fact]
    public async Task A_forwarded_address_from_a_known_proxy_is_the_client()
    {
        (await ClientAddressAsync("10.0.0.5", "203.0.113.7", ("ForwardedHeaders:KnownProxies:0", "10.0.0.5")))
            .ShouldBe(IPAddress.Parse("203.0.113.7"));
    }

    [Fact]
    public async Task A_forwarded_address_through_a_known_network_walks_back_to_the_first_address_outside_it()
    {
        (await ClientAddressAsync("10.1.2.3", "198.51.100.9, 203.0.113.7, 10.1.0.8", ("ForwardedHeaders:KnownNetworks:0", "10.1.0.0/16")))
            .ShouldBe(IPAddress.Parse("203.0.113.7"));
    }

    [Theory]
    [InlineData("198.51.100.20")]
    [InlineData("127.0.0.1")] // ASP.NET trusts loopback by default; here only configuration counts
    public async Task A_forwarded_address_from_anywhere_else_is_ignored(string remote)
    {
        (await ClientAddressAsync(remote, "203.0.113.7", ("ForwardedHeaders:KnownProxies:0", "10.0.0.5")))
            .ShouldBe(IPAddress.Parse(remote));
    }

    [Fact]
    public async Task Without_configured_proxies_no_forwarded_address_is_believed()
    {
        (await ClientAddressAsync("127.0.0.1", "203.0.113.7")).ShouldBe(IPAddress.Loopback);
    }
}
