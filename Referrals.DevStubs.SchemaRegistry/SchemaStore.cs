using Avro;

namespace Referrals.DevStubs.SchemaRegistry;

/// <summary>A registered version of a subject.</summary>
public sealed record SubjectVersion(string Subject, int Version, int Id, string Schema);

/// <summary>The registry's refusal, as Confluent answers it: HTTP status and its own error code.</summary>
public sealed class RegistryException(int status, int errorCode, string message) : Exception(message)
{
    public int Status { get; } = status;
    public int ErrorCode { get; } = errorCode;
}

/// <summary>
/// Subjects, versions and global schema ids in memory, as Confluent keeps them: the same schema (after parsing) gets
/// the same id under every subject, registering a schema a subject already has answers its existing version, and a
/// schema the subject's compatibility level refuses is not registered (409).
/// </summary>
public sealed class SchemaStore(string defaultCompatibility)
{
    private readonly Lock _gate = new();
    private readonly List<string> _schemas = [];                   // id - 1 -> schema text
    private readonly Dictionary<string, List<int>> _subjects = new(StringComparer.Ordinal); // subject -> ids by version
    private readonly Dictionary<string, string> _compatibility = new(StringComparer.Ordinal);
    private string _globalCompatibility = defaultCompatibility;

    public IReadOnlyList<string> Subjects()
    {
        lock (_gate)
            return [.. _subjects.Keys.Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<int> Versions(string subject)
    {
        lock (_gate)
            return [.. Enumerable.Range(1, IdsOf(subject).Count)];
    }

    public SubjectVersion Register(string subject, string schemaText)
    {
        var schema = Parse(schemaText);
        lock (_gate)
        {
            var ids = _subjects.TryGetValue(subject, out var existing) ? existing : [];
            if (Find(ids, schema) is { } version)
                return Version(subject, version);

            var problems = Compatibility.Problems(CompatibilityOf(subject), schema, [.. ids.Select(id => Parse(_schemas[id - 1]))]);
            if (problems.Count > 0)
                throw new RegistryException(409, 409,
                    $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{string.Join("; ", problems)}]");

            var canonical = schema.ToString();
            var schemaId = _schemas.IndexOf(canonical) + 1;
            if (schemaId == 0)
            {
                _schemas.Add(canonical);
                schemaId = _schemas.Count;
            }
            ids.Add(schemaId);
            _subjects[subject] = ids;
            return Version(subject, ids.Count);
        }
    }

    /// <summary>The version of <paramref name="subject"/> that holds this schema.</summary>
    public SubjectVersion Lookup(string subject, string schemaText)
    {
        var schema = Parse(schemaText);
        lock (_gate)
        {
            var ids = IdsOf(subject);
            return Find(ids, schema) is { } version
                ? Version(subject, version)
                : throw new RegistryException(404, 40403, "Schema not found");
        }
    }

    public SubjectVersion Get(string subject, string version)
    {
        lock (_gate)
        {
            var ids = IdsOf(subject);
            var number = version == "latest" ? ids.Count : int.TryParse(version, out var n) ? n : -1;
            if (number == -1 && version != "latest")
                throw new RegistryException(422, 42202, $"The specified version '{version}' is not a valid version id");
            return number >= 1 && number <= ids.Count
                ? Version(subject, number)
                : throw new RegistryException(404, 40402, $"Version {version} not found.");
        }
    }

    public string SchemaById(int id)
    {
        lock (_gate)
            return id >= 1 && id <= _schemas.Count ? _schemas[id - 1] : throw new RegistryException(404, 40403, "Schema not found");
    }

    public IReadOnlyList<string> Check(string subject, string version, string schemaText)
    {
        var schema = Parse(schemaText);
        lock (_gate)
        {
            var against = Get(subject, version);
            var existing = version == "latest"
                ? IdsOf(subject).Select(id => Parse(_schemas[id - 1])).ToList()
                : [Parse(_schemas[against.Id - 1])];
            return Compatibility.Problems(CompatibilityOf(subject), schema, existing);
        }
    }

    public string CompatibilityOf(string? subject)
    {
        lock (_gate)
            return subject is not null && _compatibility.TryGetValue(subject, out var level) ? level : _globalCompatibility;
    }

    public string SetCompatibility(string? subject, string level)
    {
        if (!Compatibility.Levels.Contains(level))
            throw new RegistryException(422, 42203, $"Invalid compatibility level {level}");
        lock (_gate)
        {
            if (subject is null)
                _globalCompatibility = level;
            else
                _compatibility[subject] = level;
        }
        return level;
    }

    private List<int> IdsOf(string subject) =>
        _subjects.TryGetValue(subject, out var ids) ? ids : throw new RegistryException(404, 40401, $"Subject '{subject}' not found.");

    private int? Find(List<int> ids, Schema schema)
    {
        var canonical = schema.ToString();
        var index = ids.FindIndex(id => _schemas[id - 1] == canonical);
        return index < 0 ? null : index + 1;
    }

    private SubjectVersion Version(string subject, int version)
    {
        var id = _subjects[subject][version - 1];
        return new SubjectVersion(subject, version, id, _schemas[id - 1]);
    }

    private static Schema Parse(string schemaText)
    {
        try
        {
            return Schema.Parse(schemaText);
        }
        // Not JSON at all surfaces as Newtonsoft's exception (Avro parses with it).
        catch (Exception e) when (e is SchemaParseException or Newtonsoft.Json.JsonException)
        {
            throw new RegistryException(422, 42201, $"Invalid schema: {e.Message}");
        }
    }
}
