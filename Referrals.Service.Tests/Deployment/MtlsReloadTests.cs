namespace Referrals.Service.Tests.Deployment;

/// <summary>Rotated PEM files are used from the next handshake, without a restart: the server certificate and the CA
/// that callers' certificates must chain to.</summary>
[Trait("Tier", "Unit")]
public sealed class MtlsReloadTests : IDisposable
{
    private readonly MtlsFiles _files = new();
    private readonly MtlsCertificateAuthority _platformCa = new("platform-ca");
    private readonly MtlsCertificateAuthority _nextCa = new("next-platform-ca");

    public MtlsReloadTests()
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
    public async Task A_replaced_server_certificate_is_shown_to_the_next_caller()
    {
        await using var host = await MtlsGrpcHost.StartAsync(_platformCa.Certificate, MutualTls);
        var caller = _platformCa.IssueClient("core");
        string? before = null, after = null;
        await host.ServedAsync(caller, certificate => before = certificate.Subject);

        MtlsCertificateAuthority.Write(_platformCa.IssueServer("rotated"), _files["server.crt"], _files["server.key"]);
        (await host.ServedAsync(caller, certificate => after = certificate.Subject)).ShouldBeTrue();

        before.ShouldBe("CN=localhost");
        after.ShouldBe("CN=rotated");
    }

    [Fact]
    public async Task A_replaced_client_ca_decides_the_next_handshake()
    {
        await using var host = await MtlsGrpcHost.StartAsync(_platformCa.Certificate, MutualTls);
        (await host.ServedAsync(_platformCa.IssueClient("core"))).ShouldBeTrue();
        await host.RefusedAsync(_nextCa.IssueClient("core"));

        _nextCa.WriteTo(_files["ca.crt"]);

        (await host.ServedAsync(_nextCa.IssueClient("core"))).ShouldBeTrue();
        await host.RefusedAsync(_platformCa.IssueClient("core"));
    }

    [Fact]
    public async Task A_half_rotated_pair_keeps_the_previous_certificate_until_the_key_arrives()
    {
        await using var host = await MtlsGrpcHost.StartAsync(_platformCa.Certificate, MutualTls);
        var caller = _platformCa.IssueClient("core");
        using var rotated = _platformCa.IssueServer("rotated");
        string? during = null, after = null;

        File.WriteAllText(_files["server.crt"], rotated.ExportCertificatePem()); // the key is still the old one
        (await host.ServedAsync(caller, certificate => during = certificate.Subject)).ShouldBeTrue();
        MtlsCertificateAuthority.Write(rotated, _files["server.crt"], _files["server.key"]);
        (await host.ServedAsync(caller, certificate => after = certificate.Subject)).ShouldBeTrue();

        during.ShouldBe("CN=localhost");
        after.ShouldBe("CN=rotated");
    }

    public void Dispose()
    {
        _platformCa.Dispose();
        _nextCa.Dispose();
        _files.Dispose();
    }
}
