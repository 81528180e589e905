namespace Referrals.Service.Auth;

/// <summary>
/// What a bearer token must look like before Auth is asked about it: at most 8 KB, three base64url parts
/// (header.payload.signature, none empty). Anything else is refused here, cheaply, whatever it contains.
/// </summary>
public static class BearerTokenShape
{
    public const int MaxLength = 8192;

    /// <summary>Why the token is refused before Auth is asked, or null when it has the shape of a compact JWT.</summary>
    public static string? Refusal(string? token)
    {
        if (string.IsNullOrEmpty(token))
            return "the bearer token is empty";
        if (token.Length > MaxLength)
            return $"the bearer token is longer than {MaxLength} characters";

        var parts = 1;
        var partLength = 0;
        foreach (var c in token)
        {
            if (c == '.')
            {
                if (partLength == 0 || ++parts > 3)
                    return "the bearer token is not three base64url parts";
                partLength = 0;
            }
            else if (IsBase64Url(c))
                partLength++;
            else
                return "the bearer token is not three base64url parts";
        }
        return parts == 3 && partLength > 0 ? null : "the bearer token is not three base64url parts";
    }

    /// <summary>The token of an `Authorization` value, or why there is none (`Bearer` alone, another scheme).</summary>
    public static (string? Token, string? Refusal) FromHeader(string? header)
    {
        const string prefix = "Bearer ";
        if (string.IsNullOrEmpty(header))
            return (null, "missing 'Authorization: Bearer <jwt>'");
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            return (null, "the Authorization header is not 'Bearer <jwt>'");
        var token = header[prefix.Length..].Trim();
        return Refusal(token) is { } refusal ? (null, refusal) : (token, null);
    }

    private static bool IsBase64Url(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';
}
