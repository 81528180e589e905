using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Referrals.Service.Platform;

/// <summary>Chains checked against the platform's own certificate authorities only, never the machine's roots.</summary>
public static class CertificateTrust
{
    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>Whether <paramref name="certificate"/> is valid now, for <paramref name="purpose"/>, and chains to one of
    /// <paramref name="authorities"/>. No revocation check: the internal CA publishes no revocation list.</summary>
    public static bool IssuedBy(X509Certificate2 certificate, X509Certificate2Collection authorities, Oid purpose)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(purpose);
        return chain.Build(certificate);
    }
}
