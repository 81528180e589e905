using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Referrals.Service.Tests.Deployment;

/// <summary>Certificate authorities and the certificates they issue, made by the test and written as PEM files.</summary>
public sealed class MtlsCertificateAuthority : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public MtlsCertificateAuthority(string name)
    {
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>A server certificate for localhost and 127.0.0.1.</summary>
    public X509Certificate2 IssueServer(string name = "localhost")
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        return Issue(name, ServerAuthentication, names.Build());
    }

    public X509Certificate2 IssueClient(string name) => Issue(name, ClientAuthentication, extension: null);

    /// <summary>Writes the CA certificate as PEM.</summary>
    public void WriteTo(string path) => WriteAtomically(path, Certificate.ExportCertificatePem());

    /// <summary>Writes a certificate and its key as PEM, each file replaced in one rename (as a secret mount does).</summary>
    public static void Write(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        WriteAtomically(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        WriteAtomically(certificatePath, certificate.ExportCertificatePem());
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }

    private X509Certificate2 Issue(string name, Oid purpose, X509Extension? extension)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([purpose], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        if (extension is not null)
            request.CertificateExtensions.Add(extension);
        using var issued = request.Create(Certificate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12),
            RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    private static void WriteAtomically(string path, string pem)
    {
        var next = path + ".next";
        File.WriteAllText(next, pem);
        File.Move(next, path, overwrite: true);
    }
}
