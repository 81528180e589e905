using System.Security.Cryptography;

namespace Referrals.Service.Features.Links;

/// <summary>Short, URL-safe, unguessable link ids: 12 base62 characters from a CSPRNG (~71 bits).</summary>
public static class ReferralLinkIds
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    public const int Length = 12;

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);
}
