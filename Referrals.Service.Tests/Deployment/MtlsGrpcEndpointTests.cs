namespace Referrals.Service.Tests.Deployment;

/// <summary>The gRPC endpoint with `Grpc:Tls` set: only callers holding a certificate from the configured CA are served.
/// Every refusal is checked beside a caller the same endpoint serves, so a refusal means the certificate, not a
/// broken endpoint.</summary>
[Trait("Tier", "Unit")]
public sealed class MtlsGrpcEndpointTests : IDisposable
{
    private readonly MtlsFiles _files = new();
    private readonly MtlsCertificateAuthority _platformCa = new("platform-ca");
    private readonly MtlsCertificateAuthority _otherCa = new("other-ca");

    public MtlsGrpcEndpointTests()
    {
        MtlsCertificateAuthority.Write(_platformCa.IssueServer(), _files["server.crt"], _files["server.key"]);
        _platformCa.WriteTo(_files["ca.crt"]);
    }

    private Dictionary<string, string?> MutualTls => new()
    {
        ["Grpc:Tls:CertificatePath"] = _files["server.crt"],
        ["Grpc:Tls:KeyPath"] = _files["server.key"],
        ["Grpc:Tls:ClientCaPath"] = _files["ca.crt"],
    };

    [Fact]
    public async Task A_caller_with_a_certificate_from_the_configured_ca_is_served_over_tls()
    {
        await using var host = await MtlsGrpcHost.StartAsync(_platformCa.Certificate, MutualTls);
        string? server = null;

        var served = await host.ServedAsync(_platformCa.IssueClient("core"), certificate => server = certificate.Subject);

        served.ShouldBeTrue();
        server.ShouldBe("CN=localhost");
    }

    [Fact]
    public async Task A_caller_without_a_client_certificate_is_refused()
    {
        await using var host = await MtlsGrpcHost.StartAsync(_platformCa.Certificate, MutualTls);

        await host.RefusedAsync(clientCertificate: null);
        (await host.ServedAsync(_platformCa.IssueClient("core"))).ShouldBeTrue();
    }

    [Fact]
    public async Task A_caller_with_a_certificate_from_another_ca_is_refused()
    {
        await using var host = await MtlsGrpcHost.StartAsync(_platformCa.Certificate, MutualTls);

        await host.RefusedAsync(_otherCa.IssueClient("core"));
        (await host.ServedAsync(_platformCa.IssueClient("core"))).ShouldBeTrue();
    }

    [Fact]
    public async Task A_certificate_from_the_ca_issued_for_servers_does_not_pass_as_a_client_certificate()
    {
        await using var host = await MtlsGrpcHost.StartAsync(_platformCa.Certificate, MutualTls);

        await host.RefusedAsync(_platformCa.IssueServer("not-a-client"));
        (await host.ServedAsync(_platformCa.IssueClient("core"))).ShouldBeTrue();
    }

    [Fact]
    public async Task The_webhook_endpoint_stays_plain_http_while_the_grpc_endpoint_requires_certificates()
    {
        await using var host = await MtlsGrpcHost.StartAsync(_platformCa.Certificate, MutualTls);
        using var http = new HttpClient();

        var health = await http.GetStringAsync($"http://127.0.0.1:{host.HttpPort}/health", TestContext.Current.CancellationToken);

        health.ShouldBe("Healthy");
        await host.RefusedAsync(clientCertificate: null);
    }

    [Fact]
    public async Task Without_a_client_ca_the_endpoint_is_tls_and_asks_for_no_certificate()
    {
        await using var host = await MtlsGrpcHost.StartAsync(_platformCa.Certificate, new Dictionary<string, string?>
        {
            ["Grpc:Tls:CertificatePath"] = _files["server.crt"],
            ["Grpc:Tls:KeyPath"] = _files["server.key"],
        });

        (await host.ServedAsync(clientCertificate: null)).ShouldBeTrue();
    }

    public void Dispose()
    {
        _platformCa.Dispose();
        _otherCa.Dispose();
        _files.Dispose();
    }
}
