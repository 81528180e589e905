namespace Referrals.Service.Storage;

/// <summary>
/// Database objects a slice owns beyond its Marten documents (a table, a trigger, a maintenance function), as
/// idempotent SQL that `migrate` runs as the owner after Marten's and Wolverine's schema, in registration order.
/// The service itself never runs it.
/// </summary>
public sealed record DatabaseObjects(string Name, string Sql);

public static class DatabaseObjectsSetup
{
    public static IServiceCollection AddDatabaseObjects(this IServiceCollection services, string name, string sql) =>
        services.AddSingleton(new DatabaseObjects(name, sql));
}
