using System.Text.RegularExpressions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Runbooks;

/// <summary>The fenced command blocks of docs/runbooks/*.md; <c>```bash safe</c> marks the read-only ones.</summary>
public static partial class RunbookBlocks
{
    public sealed record Block(string Runbook, int Index, string Script, bool Safe);

    public static string Folder { get; } = Path.Combine(Repository.Root, "docs", "runbooks");

    public static IReadOnlyList<string> Runbooks() =>
        [.. Directory.GetFiles(Folder, "*.md").Where(f => Path.GetFileName(f) != "README.md").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    /// <summary>Every bash block of a runbook, in order; a fence may be indented (inside a list item), its lines are un-indented.</summary>
    public static IReadOnlyList<Block> Of(string runbook)
    {
        var text = File.ReadAllText(Path.Combine(Folder, runbook)).Replace("\r\n", "\n", StringComparison.Ordinal);
        return [.. Fence().Matches(text).Select((match, index) => new Block(runbook, index,
            string.Join('\n', match.Groups["body"].Value.Split('\n')
                .Select(line => line.StartsWith(match.Groups["indent"].Value, StringComparison.Ordinal) ? line[match.Groups["indent"].Value.Length..] : line)),
            match.Groups["safe"].Success))];
    }

    public static IEnumerable<Block> Safe() => Runbooks().SelectMany(Of).Where(block => block.Safe);

    [GeneratedRegex(@"^(?<indent>[ \t]*)```bash(?<safe>[ \t]+safe)?[ \t]*\n(?<body>.*?)^\k<indent>```[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();
}
