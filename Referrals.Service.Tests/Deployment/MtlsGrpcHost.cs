extern alias service;

using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Referrals.Service.Tests.Infrastructure;
using service::Referrals.Service.Platform;

namespace Referrals.Service.Tests.Deployment;

/// <summary>
/// A gRPC endpoint set up by the service's own TLS code (<see cref="GrpcMutualTls.AddGrpcMutualTls"/>) from the
/// service's endpoint configuration (a `Grpc` endpoint on HTTP/2, an `Http` endpoint on HTTP/1.1), serving gRPC health
/// and `/health`; callers trust server certificates from <c>serverCa</c>. In process, on free loopback ports: no stack needed.
/// </summary>
public sealed class MtlsGrpcHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly X509Certificate2 _serverCa;

    private MtlsGrpcHost(WebApplication app, X509Certificate2 serverCa, int grpcPort, int httpPort)
    {
        _app = app;
        _serverCa = serverCa;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
    }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public static async Task<MtlsGrpcHost> StartAsync(X509Certificate2 serverCa, IReadOnlyDictionary<string, string?> settings)
    {
        var ports = FreePorts.Take(2);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ContentRootPath = Directory.CreateTempSubdirectory("mtls-host").FullName,
        });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{ports[0]}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{ports[1]}",
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
        });
        builder.Configuration.AddInMemoryCollection(settings);

        builder.AddGrpcMutualTls();
        builder.Services.AddGrpc();
        builder.Services.AddGrpcHealthChecks();

        var app = builder.Build();
        app.MapGrpcHealthChecksService();
        app.MapGet("/health", () => Results.Text("Healthy"));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new MtlsGrpcHost(app, serverCa, ports[0], ports[1]);
    }

    /// <summary>A gRPC health check over TLS showing <paramref name="clientCertificate"/> (or none), true once the
    /// service answered; the server certificate it met is handed to <paramref name="serverCertificate"/>.</summary>
    public Task<bool> ServedAsync(X509Certificate2? clientCertificate, Action<X509Certificate2>? serverCertificate = null) =>
        ServedAsync(GrpcPort, _serverCa, clientCertificate, serverCertificate);

    /// <summary>The same against any gRPC endpoint on localhost (the service binary run as its own process too).</summary>
    public static async Task<bool> ServedAsync(int grpcPort, X509Certificate2 serverCa,
        X509Certificate2? clientCertificate, Action<X509Certificate2>? serverCertificate = null)
    {
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(serverCa);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            var server = new X509Certificate2(presented!);
            serverCertificate?.Invoke(server);
            return chain.Build(server);
        };
        if (clientCertificate is not null)
            handler.SslOptions.ClientCertificates = [clientCertificate];
        using var channel = GrpcChannel.ForAddress($"https://localhost:{grpcPort}", new GrpcChannelOptions { HttpHandler = handler });
        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(),
            deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: TestContext.Current.CancellationToken);
        return reply is not null;
    }

    /// <summary>The refusal a caller sees: the call fails at the TLS handshake, no gRPC answer.</summary>
    public async Task<RpcException> RefusedAsync(X509Certificate2? clientCertificate) =>
        await Should.ThrowAsync<RpcException>(() => ServedAsync(clientCertificate));

    public static async Task<RpcException> RefusedAsync(int grpcPort, X509Certificate2 serverCa, X509Certificate2? clientCertificate) =>
        await Should.ThrowAsync<RpcException>(() => ServedAsync(grpcPort, serverCa, clientCertificate));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
