using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Referrals.Service.Platform;

namespace Referrals.Service.Clients;

/// <summary>
/// TLS on the calls to Auth and Core (`Clients:Tls`): `CertificatePath` + `KeyPath` (PEM) is the client certificate
/// this service shows, `CaPath` the internal CA their server certificates must chain to (without it, the machine's
/// roots). Off unless one of them is set; then an address without a scheme (AUTH_HOST=auth:50051) means https.
/// The files are read again when they change (<see cref="ReloadingPemFiles{T}"/>): new connections use the new files.
/// </summary>
public sealed record PlatformClientTlsSettings(string? CertificatePath, string? KeyPath, string? CaPath)
{
    public const string Section = "Clients:Tls";

    public static PlatformClientTlsSettings? From(IConfiguration configuration)
    {
        var tls = configuration.GetSection(Section);
        var settings = new PlatformClientTlsSettings(Setting(tls, "CertificatePath"), Setting(tls, "KeyPath"), Setting(tls, "CaPath"));
        if (settings is { CertificatePath: null, KeyPath: null, CaPath: null })
            return null;
        return (settings.CertificatePath is null) == (settings.KeyPath is null)
            ? settings
            : throw new InvalidOperationException($"{Section}:CertificatePath and {Section}:KeyPath go together");
    }

    private static string? Setting(IConfigurationSection section, string key) => section[key] is { Length: > 0 } value ? value : null;
}

public static class PlatformClientTls
{
    public static IHttpClientBuilder UsePlatformClientTls(this IHttpClientBuilder client, PlatformClientTlsSettings settings) =>
        client.ConfigurePrimaryHttpMessageHandler((handler, services) =>
        {
            var sockets = handler as SocketsHttpHandler
                ?? throw new InvalidOperationException($"{PlatformClientTlsSettings.Section} needs a SocketsHttpHandler, not {handler.GetType().Name}");
            Apply(sockets.SslOptions, settings, services.GetRequiredService<ILoggerFactory>());
        });

    /// <summary>The client certificate picked at each handshake, and the server's certificate checked against the CA.</summary>
    public static void Apply(SslClientAuthenticationOptions ssl, PlatformClientTlsSettings settings, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(PlatformClientTls));
        if (settings is { CertificatePath: { } certificatePath, KeyPath: { } keyPath })
        {
            var certificate = ReloadingPemFiles.Certificate(certificatePath, keyPath, logger);
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate.Current;
        }

        if (settings.CaPath is { } caPath)
        {
            var authorities = ReloadingPemFiles.Authorities(caPath, logger);
            ssl.RemoteCertificateValidationCallback = (_, presented, _, errors) =>
                presented is X509Certificate2 server
                && (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) == 0
                && CertificateTrust.IssuedBy(server, authorities.Current, CertificateTrust.ServerAuthentication);
        }
    }
}
