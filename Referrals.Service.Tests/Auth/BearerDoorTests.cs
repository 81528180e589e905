using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Auth;

/// <summary>The one door, as a caller meets it on REST and gRPC alike: what is refused before Auth, and how.</summary>
[Collection(IntegrationTier.Name)]
public sealed class BearerDoorTests(ReferralsApp app)
{
    private static readonly string Route = $"/shops/{DevShops.Main}/tier-bonus-policy";

    public static TheoryData<string> RefusedAuthorizations => new()
    {
        "Bearer",
        "Bearer ",
        "Bearer not-a-jwt",
        "Basic dXNlcjpwYXNz",
        "Bearer " + new string('a', 100 * 1024),
        "Bearer " + Garbage(2048),
        "Bearer a.b.c",
        "Bearer " + DevShops.ForgedToken(DevShops.Main),
        "Bearer " + DevShops.ExpiredToken(DevShops.Main, "merchant:referrals:view"),
    };

    [Theory]
    [MemberData(nameof(RefusedAuthorizations))]
    public async Task A_rest_call_with_a_malformed_oversized_forged_or_expired_token_is_401_problem_details(string authorization)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, Route);
        request.Headers.TryAddWithoutValidation("Authorization", authorization).ShouldBeTrue();

        using var response = await http.SendAsync(request, ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Theory]
    [MemberData(nameof(RefusedAuthorizations))]
    public async Task A_grpc_call_with_a_malformed_oversized_forged_or_expired_token_is_unauthenticated(string authorization)
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 401), ct);

        var refused = await Should.ThrowAsync<RpcException>(() => StatusAsync(created.ReferralId, new Metadata { { "authorization", authorization } }, ct));

        refused.StatusCode.ShouldBe(StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task Two_authorization_headers_are_refused_even_when_both_are_valid()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 402), ct);
        var valid = $"Bearer {DevShops.MerchantToken(DevShops.Main)}";
        var metadata = new Metadata { { "authorization", valid }, { "authorization", $"Bearer {DevShops.MerchantToken(DevShops.Other)}" } };

        var grpc = await Should.ThrowAsync<RpcException>(() => StatusAsync(created.ReferralId, metadata, ct));
        var rest = await RawHttpStatusAsync(
            $"GET {Route} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {valid}\r\nAuthorization: {valid}\r\nConnection: close\r\n\r\n", ct);

        // HTTP/2 may fold the two into one value; either way neither token is let in.
        grpc.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        rest.ShouldBe(401);
    }

    [Fact]
    public async Task Binary_garbage_in_the_authorization_header_is_refused_by_kestrel_or_the_door_never_with_a_5xx()
    {
        var ct = TestContext.Current.CancellationToken;
        var bytes = new byte[512];
        new Random(14).NextBytes(bytes);
        var head = Encoding.ASCII.GetBytes($"GET {Route} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ");
        var garbage = bytes.Select(b => b is (byte)'\r' or (byte)'\n' ? (byte)'x' : b).ToArray();
        var tail = Encoding.ASCII.GetBytes("\r\nConnection: close\r\n\r\n");

        var status = await RawHttpStatusAsync([.. head, .. garbage, .. tail], ct);

        // Kestrel itself answers 400 for bytes no header may carry; printable junk reaches the door and is 401.
        status.ShouldBeOneOf(400, 401);
    }

    [Fact]
    public async Task A_refused_token_is_answered_from_a_short_cache_while_auth_is_down_and_a_new_token_is_unavailable()
    {
        var ct = TestContext.Current.CancellationToken;
        var forged = DevShops.ForgedToken(DevShops.Main);
        using var http = app.AdminClient(forged);
        var first = await http.GetAsync(Route, ct);

        await app.StopResourceAsync("auth-stub", ct);
        HttpResponseMessage again, fresh;
        try
        {
            again = await http.GetAsync(Route, ct);
            using var freshClient = app.AdminClient(DevShops.MerchantToken(DevShops.Main));
            fresh = await freshClient.GetAsync(Route, ct);
        }
        finally
        {
            await app.StartResourceAsync("auth-stub", ct);
        }

        first.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        again.StatusCode.ShouldBe(HttpStatusCode.Unauthorized); // Auth was not asked again: it was down
        fresh.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        fresh.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task A_valid_token_is_let_in_and_the_401_tells_a_client_to_use_bearer()
    {
        var ct = TestContext.Current.CancellationToken;
        using var merchant = app.AdminClient(DevShops.MerchantToken(DevShops.Main));
        using var anonymous = app.CreateHttpClient();

        var allowed = await merchant.GetAsync(Route, ct);
        var refused = await anonymous.GetAsync(Route, ct);

        allowed.StatusCode.ShouldBeOneOf(HttpStatusCode.OK, HttpStatusCode.NotFound); // NotFound: the shop has no policy
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ShouldContain(new AuthenticationHeaderValue("Bearer"));
    }

    private async Task<GetReferralStatusResponse> StatusAsync(string referralId, Metadata metadata, CancellationToken ct)
    {
        var (client, channel) = app.Client();
        using var _ = channel;
        return await client.GetReferralStatusAsync(
            new GetReferralStatusRequest { ShopId = DevShops.Main.ToString(), ReferralId = referralId, Locale = "en" }, metadata, cancellationToken: ct);
    }

    private Task<int> RawHttpStatusAsync(string request, CancellationToken ct) => RawHttpStatusAsync(Encoding.ASCII.GetBytes(request), ct);

    /// <summary>HTTP/1.1 by hand: HttpClient would fold repeated headers and refuses bytes a hostile caller sends.</summary>
    private async Task<int> RawHttpStatusAsync(byte[] request, CancellationToken ct)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(app.HttpAddress.Host, app.HttpAddress.Port, ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request, ct);
        var buffer = new byte[64];
        var read = await stream.ReadAtLeastAsync(buffer, 12, throwOnEndOfStream: false, ct);
        var statusLine = Encoding.ASCII.GetString(buffer, 0, read);
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Garbage(int length)
    {
        var random = new Random(length);
        return new string([.. Enumerable.Range(0, length).Select(_ => (char)random.Next(0x21, 0x7F))]);
    }
}
