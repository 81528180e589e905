using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// A client that gives up mid-body (the chaos driver after Shopify's 5 s, a dropped connection) is not the service's
/// error: nothing is logged at Error (the fixture fails the test if anything is), and the instance answers on.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class ClientGivingUpTests(ReferralsApp app)
{
    [Fact]
    public async Task A_webhook_whose_client_stops_sending_mid_body_logs_no_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var body = Encoding.UTF8.GetBytes(ShopifyWebhooks.Order(986));
        using var signed = ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Main, Encoding.UTF8.GetString(body), Guid.NewGuid().ToString());
        var head = new StringBuilder("POST /orders/create HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: 127.0.0.1:{app.Ports.Http}\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
        foreach (var (name, values) in signed.Headers)
            head.Append(CultureInfo.InvariantCulture, $"{name}: {string.Join(",", values)}\r\n");
        head.Append("\r\n");

        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", app.Ports.Http, ct);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct);
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2), ct);
            await stream.FlushAsync(ct);
            await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
        } // the connection closes with half the body sent
        await Task.Delay(TimeSpan.FromSeconds(3), ct); // for the service's log of it to reach the fixture

        using var http = app.CreateHttpClient();
        (await http.GetAsync("/ready", ct)).IsSuccessStatusCode.ShouldBeTrue();
    }
}
