using System.Diagnostics;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Deployment;

/// <summary>
/// `migrate` applies schema and verifies no webhook, so in Production it starts without the Shopify app secret
/// (the manifest and the migration Job give it none); the service itself still refuses to start without one. The
/// service binary as built, in Production, with only environment variables and a database nothing answers on: the
/// migration gets as far as connecting to it.
/// </summary>
public sealed class MigrateWithoutAppSecretTests
{
    private const string RefusedForTheSecret = "the Shopify app's client secret is not configured";

    [Fact]
    public async Task Migrate_in_production_without_the_app_secret_builds_the_service_and_goes_on_to_the_database()
    {
        var (exitCode, output) = await RunServiceBinaryAsync(["migrate"], TestContext.Current.CancellationToken);

        output.ShouldNotContain(RefusedForTheSecret);
        output.ShouldContain("error: Failed to connect to 127.0.0.1:1", Case.Sensitive, output);
        exitCode.ShouldBe(1);
    }

    [Fact]
    public async Task The_service_in_production_without_the_app_secret_refuses_to_start()
    {
        var (exitCode, output) = await RunServiceBinaryAsync([], TestContext.Current.CancellationToken);

        output.ShouldContain(RefusedForTheSecret, Case.Sensitive, output);
        exitCode.ShouldNotBe(0);
    }

    private static async Task<(int ExitCode, string Output)> RunServiceBinaryAsync(string[] arguments, CancellationToken ct)
    {
        var service = Path.Combine(Repository.Root, "Referrals.Service", "bin", Repository.BuildConfiguration, "net10.0", "Referrals.Service.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[service, .. arguments])
            start.ArgumentList.Add(argument);
        foreach (var inherited in start.Environment.Keys.Where(key => key.StartsWith("Shopify__", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(inherited);
        foreach (var (key, value) in ProductionWithoutAppSecret)
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        using var hangGuard = CancellationTokenSource.CreateLinkedTokenSource(ct);
        hangGuard.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(hangGuard.Token);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        return (process.ExitCode, await output + await errors);
    }

    // The owner's connection string as the migration is given it; addresses nothing answers on.
    private static readonly Dictionary<string, string> ProductionWithoutAppSecret = new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["ConnectionStrings__referralsdb"] = "Host=127.0.0.1;Port=1;Database=referrals;Username=referrals;Password=owner-password",
        ["ConnectionStrings__redis"] = "127.0.0.1:1",
        ["ConnectionStrings__kafka"] = "127.0.0.1:1",
        ["AUTH_HOST"] = "http://127.0.0.1:1",
        ["CORE_HOST"] = "http://127.0.0.1:1",
        ["Database__RuntimePassword"] = "runtime-password",
    };
}
