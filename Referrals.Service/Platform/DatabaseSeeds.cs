namespace Referrals.Service.Platform;

/// <summary>
/// Data every deployment starts with (the platform's translations), written by `migrate` after the schema, once per
/// rollout, instead of by each instance on its start path. Idempotent: a seed writes only what is missing.
/// </summary>
public interface IDatabaseSeed
{
    Task SeedAsync(TextWriter progress, CancellationToken cancellationToken);
}

public static class DatabaseSeeds
{
    public static IServiceCollection AddDatabaseSeed<TSeed>(this IServiceCollection services) where TSeed : class, IDatabaseSeed =>
        services.AddSingleton<IDatabaseSeed, TSeed>();
}
