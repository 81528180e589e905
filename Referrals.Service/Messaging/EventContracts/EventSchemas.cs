using System.Collections.Frozen;
using System.Reflection;
using Avro;

namespace Referrals.Service.Messaging.EventContracts;

/// <summary>One committed version of an event's Avro schema.</summary>
public sealed record EventSchema(string Contract, Version Version, RecordSchema Schema);

/// <summary>
/// The committed Avro schemas of the events this service produces and consumes:
/// `protos/events/&lt;contract&gt;/&lt;major.minor.patch&gt;.avsc`, embedded in this assembly. The contract is the
/// event type (= topic) with '.' written as '_'; every version of a contract is kept, oldest first.
/// </summary>
public static class EventSchemas
{
    private const string ResourcePrefix = "events/";

    private static readonly Lazy<FrozenDictionary<string, IReadOnlyList<EventSchema>>> Contracts = new(Load);

    public static IReadOnlyCollection<string> ContractNames => Contracts.Value.Keys;

    public static string ContractFor(string eventType) => eventType.Replace('.', '_');

    public static bool Exists(string eventType) => Contracts.Value.ContainsKey(ContractFor(eventType));

    /// <summary>Every committed version of the event's schema, oldest first.</summary>
    public static IReadOnlyList<EventSchema> History(string eventType) =>
        Contracts.Value.TryGetValue(ContractFor(eventType), out var history)
            ? history
            : throw new KeyNotFoundException($"no Avro schema is committed for {eventType} (protos/events/{ContractFor(eventType)}/)");

    public static EventSchema Latest(string eventType) => History(eventType)[^1];

    public static EventSchema For(string eventType, string version)
    {
        var wanted = Version.Parse(version);
        return History(eventType).FirstOrDefault(schema => schema.Version == wanted)
            ?? throw new KeyNotFoundException(
                $"no Avro schema {version} is committed for {eventType} (protos/events/{ContractFor(eventType)}/{version}.avsc)");
    }

    private static FrozenDictionary<string, IReadOnlyList<EventSchema>> Load()
    {
        var assembly = typeof(EventSchemas).Assembly;
        return assembly.GetManifestResourceNames()
            .Select(name => name.Replace('\\', '/'))
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".avsc", StringComparison.Ordinal))
            .Select(name => Read(assembly, name))
            .GroupBy(schema => schema.Contract, StringComparer.Ordinal)
            .ToFrozenDictionary(group => group.Key,
                group => (IReadOnlyList<EventSchema>)[.. group.OrderBy(schema => schema.Version)], StringComparer.Ordinal);
    }

    private static EventSchema Read(Assembly assembly, string resourceName)
    {
        // events/<contract>/<version>.avsc
        var parts = resourceName[ResourcePrefix.Length..].Split('/');
        if (parts.Length != 2)
            throw new InvalidOperationException($"{resourceName}: expected events/<contract>/<version>.avsc");
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? assembly.GetManifestResourceStream(resourceName.Replace('/', '\\'))
            ?? throw new InvalidOperationException($"resource {resourceName} is missing");
        using var reader = new StreamReader(stream);
        var schema = Schema.Parse(reader.ReadToEnd()) as RecordSchema
            ?? throw new InvalidOperationException($"{resourceName} is not an Avro record schema");
        return new EventSchema(parts[0], Version.Parse(Path.GetFileNameWithoutExtension(parts[1])), schema);
    }
}
