using System.CommandLine;
using Confluent.SchemaRegistry;
using Referrals.Service.Messaging;
using Referrals.Service.Messaging.EventContracts;

namespace Referrals.Service.Operator;

/// <summary>
/// `register-schemas`: registers every committed version of every event schema (protos/events/) under its subject
/// `&lt;topic&gt;-value`, oldest first, and sets the subject to FULL_TRANSITIVE, the rule the contracts follow
/// (EventSchemaCompatibilityTests). For CI or a deployment step: outside Development the service registers nothing
/// and sends only schemas found here. Idempotent: a registered schema keeps its id. The registry comes from
/// Kafka__SchemaRegistryUrl and Kafka__SchemaRegistry__* (<see cref="SchemaRegistrySettings"/>).
/// </summary>
public static class RegisterSchemasCommand
{
    public const Compatibility SubjectCompatibility = Compatibility.FullTransitive;

    public static Command Create()
    {
        var command = new Command("register-schemas",
            "Register every committed event schema version with the schema registry (Kafka__SchemaRegistryUrl), FULL_TRANSITIVE (idempotent).");
        command.SetAction(async (_, ct) =>
        {
            var configuration = new ConfigurationManager();
            configuration.AddEnvironmentVariables();
            var settings = SchemaRegistrySettings.From(configuration)
                ?? throw new InvalidOperationException("Kafka__SchemaRegistryUrl is not set (the schema registry's URL).");
            using var registry = new CachedSchemaRegistryClient(settings);
            await RegisterAsync(registry, Console.Out, ct);
            return 0;
        });
        return command;
    }

    /// <summary>Registers them all; answers each subject's version and schema id, in order.</summary>
    public static async Task<IReadOnlyList<RegisteredEventSchema>> RegisterAsync(ISchemaRegistryClient registry, TextWriter output,
        CancellationToken ct)
    {
        var registered = new List<RegisteredEventSchema>();
        foreach (var topic in Topics.All.Where(EventSchemas.Exists))
        {
            var subject = SubjectOf(topic);
            await registry.UpdateCompatibilityAsync(SubjectCompatibility, subject);
            foreach (var schema in EventSchemas.History(topic))
            {
                ct.ThrowIfCancellationRequested();
                // The text the service's serializer sends (Schema.ToString()), so its lookup finds this id.
                var id = await registry.RegisterSchemaAsync(subject, new Schema(schema.Schema.ToString(), SchemaType.Avro));
                registered.Add(new RegisteredEventSchema(subject, schema.Version.ToString(3), id));
                await output.WriteLineAsync($"{subject} {schema.Version.ToString(3)}: schema id {id}");
            }
        }
        return registered;
    }

    /// <summary>Confluent's TopicNameStrategy, which the service's serializer uses.</summary>
    public static string SubjectOf(string topic) => $"{topic}-value";
}

public sealed record RegisteredEventSchema(string Subject, string Version, int Id);
