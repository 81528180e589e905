extern alias service;

using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.ClientFactory;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using service::Referrals.Service.Clients;
using service::Referrals.Service.Correlation;

namespace Referrals.Service.Tests.Deployment;

/// <summary>The outgoing calls to Auth and Core (<see cref="PlatformGrpcClients"/>) with `Clients:Tls` set: the
/// service's client certificate is shown, the server's certificate must come from the configured CA, and rotated
/// files are used by the next connection. The server is the service's own mTLS endpoint setup.</summary>
[Trait("Tier", "Unit")]
public sealed class MtlsPlatformClientTests : IDisposable
{
    private const string AddressKey = "PLATFORM_TEST_HOST";

    private readonly MtlsFiles _files = new();
    private readonly MtlsCertificateAuthority _platformCa = new("platform-ca");
    private readonly MtlsCertificateAuthority _otherCa = new("other-ca");

    public MtlsPlatformClientTests()
    {
        MtlsCertificateAuthority.Write(_platformCa.IssueServer(), _files["server.crt"], _files["server.key"]);
        MtlsCertificateAuthority.Write(_otherCa.IssueServer(), _files["other-server.crt"], _files["other-server.key"]);
        MtlsCertificateAuthority.Write(_platformCa.IssueClient("referrals"), _files["client.crt"], _files["client.key"]);
        _platformCa.WriteTo(_files["ca.crt"]);
    }

    private Task<MtlsGrpcHost> StartPlatformServiceAsync(string certificate = "server") =>
        MtlsGrpcHost.StartAsync(_platformCa.Certificate, new Dictionary<string, string?>
        {
            ["Grpc:Tls:CertificatePath"] = _files[$"{certificate}.crt"],
            ["Grpc:Tls:KeyPath"] = _files[$"{certificate}.key"],
            ["Grpc:Tls:ClientCaPath"] = _files["ca.crt"],
        });

    private Dictionary<string, string?> ClientTls => new()
    {
        ["Clients:Tls:CertificatePath"] = _files["client.crt"],
        ["Clients:Tls:KeyPath"] = _files["client.key"],
        ["Clients:Tls:CaPath"] = _files["ca.crt"],
    };

    [Fact]
    public async Task The_service_shows_its_client_certificate_to_a_platform_service_that_requires_one()
    {
        await using var platform = await StartPlatformServiceAsync();
        await using var services = ClientServices(platform, ClientTls);

        var reply = await CheckAsync(services);

        reply.ShouldNotBeNull();
    }

    [Fact]
    public async Task Without_a_client_certificate_configured_the_platform_service_refuses_the_call()
    {
        await using var platform = await StartPlatformServiceAsync();
        await using var services = ClientServices(platform, new() { ["Clients:Tls:CaPath"] = _files["ca.crt"] });

        await Should.ThrowAsync<RpcException>(() => CheckAsync(services));
    }

    [Fact]
    public async Task A_platform_service_whose_certificate_comes_from_another_ca_is_not_called()
    {
        await using var impostor = await StartPlatformServiceAsync(certificate: "other-server");
        await using var services = ClientServices(impostor, ClientTls);

        var refused = await Should.ThrowAsync<RpcException>(() => CheckAsync(services));

        refused.Status.DebugException.ShouldNotBeNull().ToString().ShouldContain("RemoteCertificateValidationCallback");
    }

    [Fact]
    public async Task A_replaced_client_certificate_is_used_by_the_next_connection_without_a_restart()
    {
        MtlsCertificateAuthority.Write(_otherCa.IssueClient("referrals"), _files["client.crt"], _files["client.key"]);
        await using var platform = await StartPlatformServiceAsync();
        await using var services = ClientServices(platform, ClientTls);
        await Should.ThrowAsync<RpcException>(() => CheckAsync(services));

        MtlsCertificateAuthority.Write(_platformCa.IssueClient("referrals"), _files["client.crt"], _files["client.key"]);

        (await CheckAsync(services)).ShouldNotBeNull();
    }

    [Fact]
    public void Addresses_without_a_scheme_mean_https_with_client_tls_and_plaintext_without()
    {
        Address(ClientTls).Scheme.ShouldBe("https");
        Address([]).Scheme.ShouldBe("http");
    }

    private static ServiceProvider ClientServices(MtlsGrpcHost platform, Dictionary<string, string?> tls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration[AddressKey] = $"localhost:{platform.GrpcPort}";
        builder.Configuration.AddInMemoryCollection(tls);
        builder.AddCorrelation();
        builder.AddPlatformGrpcClient<Health.HealthClient>(AddressKey);
        return builder.Services.BuildServiceProvider();
    }

    private static Uri Address(Dictionary<string, string?> tls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration[AddressKey] = "auth:50051";
        builder.Configuration.AddInMemoryCollection(tls);
        builder.AddCorrelation();
        builder.AddPlatformGrpcClient<Health.HealthClient>(AddressKey);
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptionsMonitor<GrpcClientFactoryOptions>>().Get(nameof(Health.HealthClient)).Address!;
    }

    private static async Task<HealthCheckResponse> CheckAsync(IServiceProvider services) =>
        await services.GetRequiredService<Health.HealthClient>().CheckAsync(new HealthCheckRequest(),
            deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: TestContext.Current.CancellationToken);

    public void Dispose()
    {
        _platformCa.Dispose();
        _otherCa.Dispose();
        _files.Dispose();
    }
}
