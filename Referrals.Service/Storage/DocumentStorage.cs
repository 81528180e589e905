using System.Text.Json;
using System.Text.Json.Serialization;
using JasperFx;
using JasperFx.CodeGeneration;
using Marten;
using Referrals.Service.Tenancy;
using Weasel.Core;
using Wolverine;
using Wolverine.Marten;

namespace Referrals.Service.Storage;

/// <summary>
/// Marten on PostgreSQL: every document in the <see cref="Schema"/> schema, snake_case JSONB, and the store that
/// Wolverine uses as its transactional inbox and outbox. Slices register their own documents. The service connects
/// as the runtime login and changes no schema: `migrate` (<see cref="DatabaseMigration"/>) does, as the owner.
/// </summary>
public static class DocumentStorage
{
    public const string Schema = "referrals";

    public static WebApplicationBuilder AddReferralsStorage(this WebApplicationBuilder builder)
    {
        // Outside Development nothing is compiled at start-up: Marten's and Wolverine's generated code is built into
        // this assembly ahead (Internal/Generated, `codegen write`, README "Start-up"); a missing type fails the start.
        builder.Services.CritterStackDefaults(defaults =>
        {
            defaults.Development.GeneratedCodeMode = TypeLoadMode.Dynamic;
            defaults.Production.GeneratedCodeMode = TypeLoadMode.Static;
            defaults.Production.SourceCodeWritingEnabled = false;
        });
        builder.Services.AddMarten(Conventions)
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .IntegrateWithWolverine();
        builder.Services.ConfigureWolverine(options => options.AutoBuildMessageStorageOnStartup = AutoCreate.None);
        builder.Services.AddSingleton<StorageProbe>();
        return builder;
    }

    /// <summary>The service's document conventions, for its own store, the migration's and the operator commands' alike.</summary>
    public static void Conventions(StoreOptions options)
    {
        options.DatabaseSchemaName = Schema;
        // Enums as the seed spells them in the database too: "in_progress", not "InProgress".
        options.UseSystemTextJsonForSerialization(enumStorage: EnumStorage.AsString, casing: Casing.SnakeCase,
            configure: json => json.Converters.Insert(0, new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)));
        // A tenant table is a `.MultiTenanted()` document (tenant id = shop_id): Marten gives it the policy on
        // app.shop_id and sets app.shop_id on every connection a session for a shop opens.
        options.UseRowLevelSecurity(ShopRowLevelSecurity.ShopSetting);
        options.AutoCreateSchemaObjects = AutoCreate.None;
    }
}
