using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Referrals.Service.Platform;

/// <summary>
/// TLS on the gRPC endpoint (`Grpc:Tls:CertificatePath`, `KeyPath`: PEM), and client certificates checked against the
/// internal CA (`Grpc:Tls:ClientCaPath`; `RequireClientCertificate`, true by default once a CA is set). Off unless
/// `CertificatePath` is set. Only the Kestrel endpoint named `Grpc` gets it, whatever its URL scheme: the webhook
/// endpoint stays as it is. The files are read again when they change (<see cref="ReloadingPemFiles{T}"/>).
/// </summary>
public sealed record GrpcTlsSettings(string CertificatePath, string KeyPath, string? ClientCaPath, bool RequireClientCertificate)
{
    public const string Section = "Grpc:Tls";
    public const string GrpcEndpoint = "Grpc";

    public static GrpcTlsSettings? From(IConfiguration configuration)
    {
        var tls = configuration.GetSection(Section);
        if (tls["CertificatePath"] is not { Length: > 0 } certificatePath)
            return tls.GetChildren().Any(setting => setting.Value is { Length: > 0 })
                ? throw new InvalidOperationException($"{Section} is set without {Section}:CertificatePath")
                : null;

        var clientCaPath = tls["ClientCaPath"] is { Length: > 0 } ca ? ca : null;
        var requireClientCertificate = tls.GetValue("RequireClientCertificate", clientCaPath is not null);
        if (requireClientCertificate && clientCaPath is null)
            throw new InvalidOperationException($"{Section}:RequireClientCertificate needs {Section}:ClientCaPath");

        return new GrpcTlsSettings(certificatePath,
            tls["KeyPath"] is { Length: > 0 } keyPath
                ? keyPath
                : throw new InvalidOperationException($"{Section}:CertificatePath is set without {Section}:KeyPath"),
            clientCaPath, requireClientCertificate);
    }
}

public static class GrpcMutualTls
{
    /// <summary>TLS and client certificates on the gRPC endpoint when <see cref="GrpcTlsSettings"/> are configured;
    /// nothing at all otherwise.</summary>
    public static WebApplicationBuilder AddGrpcMutualTls(this WebApplicationBuilder builder)
    {
        if (GrpcTlsSettings.From(builder.Configuration) is null)
            return builder;

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            // Read when Kestrel starts, so the endpoint's address is the final one whoever set it.
            var settings = GrpcTlsSettings.From(context.Configuration)!;
            if (!context.Configuration.GetSection($"Kestrel:Endpoints:{GrpcTlsSettings.GrpcEndpoint}").Exists()
                || kestrel.ConfigurationLoader is not { } endpoints)
                throw new InvalidOperationException(
                    $"{GrpcTlsSettings.Section} is set but there is no Kestrel endpoint named {GrpcTlsSettings.GrpcEndpoint}");

            var https = HttpsOptions(settings, kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>());
            endpoints.Endpoint(GrpcTlsSettings.GrpcEndpoint, endpoint => endpoint.ListenOptions.UseHttps(https));
        });
        return builder;
    }

    public static HttpsConnectionAdapterOptions HttpsOptions(GrpcTlsSettings settings, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(GrpcMutualTls));
        var certificate = ReloadingPemFiles.Certificate(settings.CertificatePath, settings.KeyPath, logger);
        var https = new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, _) => certificate.Current,
            CheckCertificateRevocation = false,
            ClientCertificateMode = ClientCertificateMode.NoCertificate,
        };
        if (settings.ClientCaPath is null)
            return https;

        var authorities = ReloadingPemFiles.Authorities(settings.ClientCaPath, logger);
        https.ClientCertificateMode = settings.RequireClientCertificate
            ? ClientCertificateMode.RequireCertificate
            : ClientCertificateMode.AllowCertificate;
        // The machine's roots decide nothing here: only the configured CA issues callers' certificates.
        https.ClientCertificateValidation = (presented, _, _) =>
            CertificateTrust.IssuedBy(presented, authorities.Current, CertificateTrust.ClientAuthentication);
        return https;
    }
}
