using Avro;

namespace Referrals.DevStubs.SchemaRegistry;

/// <summary>
/// Confluent's compatibility levels, checked with Avro's own resolution rules (<see cref="Schema.CanRead"/>):
/// BACKWARD, the new schema reads data written with the old (a new field needs a default, a type may only be
/// promoted); FORWARD, the old reads the new (a removed field needs a default in the old); FULL, both.
/// Plain levels check against the latest version, *_TRANSITIVE against every version.
/// </summary>
public static class Compatibility
{
    public static readonly IReadOnlySet<string> Levels = new HashSet<string>(StringComparer.Ordinal)
    {
        "NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE",
    };

    /// <summary>Why <paramref name="candidate"/> is incompatible with <paramref name="existing"/> (oldest first); empty if it is not.</summary>
    public static IReadOnlyList<string> Problems(string level, Schema candidate, IReadOnlyList<Schema> existing)
    {
        if (level == "NONE" || existing.Count == 0)
            return [];
        var against = level.EndsWith("_TRANSITIVE", StringComparison.Ordinal) ? existing : [existing[^1]];
        var backward = level.StartsWith("BACKWARD", StringComparison.Ordinal) || level.StartsWith("FULL", StringComparison.Ordinal);
        var forward = level.StartsWith("FORWARD", StringComparison.Ordinal) || level.StartsWith("FULL", StringComparison.Ordinal);

        var problems = new List<string>();
        foreach (var earlier in against)
        {
            if (backward && !candidate.CanRead(earlier))
                problems.Add($"the new schema cannot read data written with {Describe(earlier)} (a new field without a default, or a type change)");
            if (forward && !earlier.CanRead(candidate))
                problems.Add($"{Describe(earlier)} cannot read data written with the new schema (a removed field without a default, or a type change)");
        }
        return problems;
    }

    private static string Describe(Schema schema) => $"the earlier {schema.Fullname}";
}
