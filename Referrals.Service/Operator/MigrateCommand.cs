using System.CommandLine;
using System.Security.Cryptography;
using Referrals.Service.Features;
using Referrals.Service.Platform;
using Referrals.Service.Storage;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Operator;

/// <summary>
/// `migrate`: applies the schema (<see cref="DatabaseMigration"/>) as the owner (ConnectionStrings__referralsdb is
/// the owner's here), writes the <see cref="IDatabaseSeed"/>s and exits. It builds the service's own registrations, never starts them, so the migration
/// knows every document and database object the slices register. It verifies no webhook, so it needs no Shopify
/// app secret (the service itself refuses to start without one).
/// </summary>
public static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply the database schema, policies and the runtime login, as the owner (idempotent).");
        command.SetAction(async (_, ct) =>
        {
            await using var service = BuildService();
            await service.Services.GetRequiredService<DatabaseMigration>().RunAsync(Console.Out, ct);
            foreach (var seed in service.Services.GetServices<IDatabaseSeed>())
                await seed.SeedAsync(Console.Out, ct);
            await Console.Out.WriteLineAsync("migrated");
            return 0;
        });
        return command;
    }

    /// <summary>The service's own registrations (<see cref="Slices"/>), built but never started.</summary>
    private static WebApplication BuildService()
    {
        var builder = WebApplication.CreateBuilder();
        // The webhook registrations need a secret to build; an unknown random one stands in for the absent one.
        if (string.IsNullOrEmpty(builder.Configuration[ShopifyAppSecrets.CurrentKey]))
            builder.Configuration[ShopifyAppSecrets.CurrentKey] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        builder.AddReferralsPlatform();
        builder.AddSlices();
        builder.Services.AddSingleton<DatabaseMigration>();
        return builder.Build();
    }
}
