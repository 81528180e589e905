using System.Collections.Concurrent;
using Confluent.SchemaRegistry;

namespace Referrals.Service.Tests.Contracts;

/// <summary>
/// Test double of Confluent's schema registry: subjects, versions and global schema ids in memory, for what the
/// Avro serializer and our consumer use. The rest is not part of the service's use and says so.
/// </summary>
public sealed class InMemorySchemaRegistry : ISchemaRegistryClient
{
    private readonly Lock _gate = new();
    private readonly List<string> _schemasById = [""]; // ids start at 1
    private readonly ConcurrentDictionary<string, List<int>> _subjects = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, List<int>> Subjects => _subjects;

    public string SchemaString(int id) => _schemasById[id];

    public IEnumerable<KeyValuePair<string, string>> Config => [];
    public IAuthenticationHeaderValueProvider AuthHeaderProvider => null!;
    public System.Net.IWebProxy Proxy => null!;
    public int MaxCachedSchemas => 1000;

    public Task<int> RegisterSchemaAsync(string subject, Schema schema, bool normalize = false) =>
        Task.FromResult(Register(subject, schema.SchemaString).Id);

    public Task<int> RegisterSchemaAsync(string subject, string avroSchema, bool normalize = false) =>
        Task.FromResult(Register(subject, avroSchema).Id);

    public Task<RegisteredSchema> RegisterSchemaWithResponseAsync(string subject, Schema schema, bool normalize = false) =>
        Task.FromResult(Register(subject, schema.SchemaString));

    public Task<int> GetSchemaIdAsync(string subject, Schema schema, bool normalize = false) =>
        Task.FromResult(Lookup(subject, schema.SchemaString).Id);

    public Task<int> GetSchemaIdAsync(string subject, string avroSchema, bool normalize = false) =>
        Task.FromResult(Lookup(subject, avroSchema).Id);

    public Task<RegisteredSchema> LookupSchemaAsync(string subject, Schema schema, bool ignoreDeletedSchemas, bool normalize = false) =>
        Task.FromResult(Lookup(subject, schema.SchemaString));

    public Task<Schema> GetSchemaAsync(int id, string? format = null) => Task.FromResult(new Schema(Known(id), SchemaType.Avro));

    public Task<Schema> GetSchemaBySubjectAndIdAsync(string subject, int id, string? format = null) => GetSchemaAsync(id, format);

    public Task<RegisteredSchema> GetRegisteredSchemaAsync(string subject, int version, bool ignoreDeletedSchemas = true)
    {
        lock (_gate)
        {
            var id = _subjects[subject][version - 1];
            return Task.FromResult(new RegisteredSchema(subject, version, id, Known(id), SchemaType.Avro, []));
        }
    }

    public Task<string> GetSchemaAsync(string subject, int version) =>
        GetRegisteredSchemaAsync(subject, version).ContinueWith(t => t.Result.SchemaString, TaskScheduler.Default);

    public Task<RegisteredSchema> GetLatestSchemaAsync(string subject)
    {
        lock (_gate)
            return GetRegisteredSchemaAsync(subject, _subjects[subject].Count);
    }

    public Task<List<string>> GetAllSubjectsAsync() => Task.FromResult(_subjects.Keys.ToList());

    public Task<List<int>> GetSubjectVersionsAsync(string subject)
    {
        lock (_gate)
            return Task.FromResult(Enumerable.Range(1, _subjects[subject].Count).ToList());
    }

    public string ConstructKeySubjectName(string topic, string? recordType = null) => $"{topic}-key";

    public string ConstructValueSubjectName(string topic, string? recordType = null) => $"{topic}-value";

    public void ClearLatestCaches() { }

    public void ClearCaches() { }

    public void Dispose() { }

    public Task<Schema> GetSchemaByGuidAsync(string guid, string? format = null) => throw NotUsed();
    public Task<RegisteredSchema> GetLatestWithMetadataAsync(string subject, IDictionary<string, string> metadata, bool ignoreDeletedSchemas) => throw NotUsed();
    public Task<bool> IsCompatibleAsync(string subject, Schema schema) => throw NotUsed();
    public Task<bool> IsCompatibleAsync(string subject, string avroSchema) => throw NotUsed();
    public Task<Compatibility> GetCompatibilityAsync(string? subject = null) => throw NotUsed();
    public Task<Compatibility> UpdateCompatibilityAsync(Compatibility compatibility, string? subject = null) => throw NotUsed();
    public Task<List<Association>> GetAssociationsByResourceNameAsync(string resourceName, string resourceNamespace, string resourceType,
        List<string> associationTypes, string lifecycle, int offset, int limit) => throw NotUsed();
    public Task<AssociationResponse> CreateAssociationAsync(AssociationCreateOrUpdateRequest request) => throw NotUsed();
    public Task DeleteAssociationsAsync(string resourceId, string resourceType, List<string> associationTypes, bool cascadeLifecycle) => throw NotUsed();

    private RegisteredSchema Register(string subject, string schemaString)
    {
        lock (_gate)
        {
            var id = _schemasById.IndexOf(schemaString);
            if (id < 1)
            {
                _schemasById.Add(schemaString);
                id = _schemasById.Count - 1;
            }
            var versions = _subjects.GetOrAdd(subject, _ => []);
            if (!versions.Contains(id))
                versions.Add(id);
            return new RegisteredSchema(subject, versions.IndexOf(id) + 1, id, schemaString, SchemaType.Avro, []);
        }
    }

    private RegisteredSchema Lookup(string subject, string schemaString)
    {
        lock (_gate)
        {
            var id = _schemasById.IndexOf(schemaString);
            if (id < 1 || !_subjects.TryGetValue(subject, out var versions) || !versions.Contains(id))
                throw new SchemaRegistryException($"schema not registered under {subject}", System.Net.HttpStatusCode.NotFound, 40403);
            return new RegisteredSchema(subject, versions.IndexOf(id) + 1, id, schemaString, SchemaType.Avro, []);
        }
    }

    private string Known(int id)
    {
        lock (_gate)
            return id > 0 && id < _schemasById.Count ? _schemasById[id] : throw new SchemaRegistryException($"schema {id} not found",
                System.Net.HttpStatusCode.NotFound, 40403);
    }

    private static NotSupportedException NotUsed() => new("not used by the Referrals Service");
}
