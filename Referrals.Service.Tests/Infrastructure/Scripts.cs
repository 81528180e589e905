using System.Text.RegularExpressions;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>Which writing systems the letters of a text (placeholders aside) belong to.</summary>
public static partial class Scripts
{
    public const string Arabic = "Arabic";
    public const string Hebrew = "Hebrew";
    public const string Latin = "Latin";

    public static string Expected(string locale) => locale switch
    {
        "ar" => Arabic,
        "he" => Hebrew,
        _ => Latin,
    };

    public static IReadOnlyList<string> Of(string text) =>
    [
        .. Placeholder().Replace(text, "").Where(char.IsLetter).Select(c => c switch
        {
            >= '\u0600' and <= '\u06FF' => Arabic,
            >= '\u0590' and <= '\u05FF' => Hebrew,
            _ when char.IsAsciiLetter(c) => Latin,
            _ => $"U+{(int)c:X4}",
        }).Distinct(),
    ];

    [GeneratedRegex(@"\{[a-z_]+\}")]
    private static partial Regex Placeholder();
}
