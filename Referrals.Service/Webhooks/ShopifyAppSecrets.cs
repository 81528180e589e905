using System.Text;

namespace Referrals.Service.Webhooks;

/// <summary>
/// The app's client secret(s), with which Shopify signs every webhook of every shop: `Shopify:AppSecret` (env
/// `Shopify__AppSecret`) and, during a rotation, `Shopify:PreviousAppSecret`. Both are accepted until the previous one
/// is removed from configuration. The database holds no secret.
/// </summary>
public sealed class ShopifyAppSecrets
{
    public const string CurrentKey = "Shopify:AppSecret";
    public const string PreviousKey = "Shopify:PreviousAppSecret";

    // As HMAC keys once, not per webhook.
    private readonly byte[][] _keys;

    public ShopifyAppSecrets(string current, string? previous = null) =>
        _keys = (string.IsNullOrEmpty(previous) ? [current] : new[] { current, previous }).Select(Encoding.UTF8.GetBytes).ToArray();

    /// <summary>The configured secrets; a configuration without the current one is refused with what to set.</summary>
    public static ShopifyAppSecrets From(IConfiguration configuration) =>
        new(configuration[CurrentKey] is { Length: > 0 } current
                ? current
                : throw new InvalidOperationException(
                    $"Refusing to start: the Shopify app's client secret is not configured. Set '{CurrentKey}' " +
                    $"(environment variable Shopify__AppSecret), and '{PreviousKey}' during a rotation."),
            configuration[PreviousKey]);

    /// <summary>True when <paramref name="signature"/> is the body's HMAC under any of the secrets. Every secret is tried,
    /// so the time taken does not tell which one matched.</summary>
    public bool SignatureMatches(ReadOnlySpan<byte> body, string? signature)
    {
        var valid = false;
        foreach (var key in _keys)
            valid |= ShopifyWebhookSignature.IsValid(body, key, signature);
        return valid;
    }
}
