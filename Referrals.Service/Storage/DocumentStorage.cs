using System.Text.Json;
using System.Text.Json.Serialization;
using JasperFx;
using Marten;
using Weasel.Core;
using Wolverine.Marten;

namespace Referrals.Service.Storage;

/// <summary>
/// Marten on PostgreSQL: every document in the <see cref="Schema"/> schema, snake_case JSONB, and the store that
/// Wolverine uses as its transactional inbox and outbox. Slices register their own documents.
/// </summary>
public static class DocumentStorage
{
    public const string Schema = "referrals";

    public static WebApplicationBuilder AddReferralsStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddMarten(Conventions)
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            .IntegrateWithWolverine();
        return builder;
    }

    /// <summary>The service's document conventions, for its own store and the operator commands' stores alike.</summary>
    public static void Conventions(StoreOptions options)
    {
        options.DatabaseSchemaName = Schema;
        // Enums as the seed spells them in the database too: "in_progress", not "InProgress".
        options.UseSystemTextJsonForSerialization(enumStorage: EnumStorage.AsString, casing: Casing.SnakeCase,
            configure: json => json.Converters.Insert(0, new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)));
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
    }
}
