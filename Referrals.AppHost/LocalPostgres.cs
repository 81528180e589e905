using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

using System.Diagnostics;

namespace Referrals.AppHost;

/// <summary>
/// local mode: the machine's PostgreSQL, in a data folder the AppHost owns (initdb on first run, reused
/// afterwards). Development and tests only: the password is the documented dev one.
/// </summary>
public static class LocalPostgres
{
    public const string DatabaseName = "referrals";
    public const string Superuser = "postgres";
    /// <summary>The service's login, created by its `migrate` step (not the owner, NOBYPASSRLS).</summary>
    public const string RuntimeLogin = "referrals_runtime";

    public static IResourceBuilder<ExecutableResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory, int port, string password)
    {
        if (builder.ExecutionContext.IsRunMode)
            Initialize(dataDirectory, password);

        var connectionString = ConnectionString(port, password);
        builder.Services.AddHealthChecks().AddNpgSql(connectionString, name: $"{name}-accepts-queries");

        return builder.AddExecutable(name, "bash", builder.AppHostDirectory,
                Path.Combine(builder.AppHostDirectory, "local", "run-postgres.sh"), PostgresBinaries.Find("postgres"),
                dataDirectory, PortText.Of(port))
            .WithHealthCheck($"{name}-accepts-queries")
            .WithIconName("Database");
    }

    public static string ConnectionString(int port, string password) =>
        $"Host=127.0.0.1;Port={PortText.Of(port)};Database={DatabaseName};Username={Superuser};Password={password}";

    /// <summary>The runtime login's connection string, without its password (a parameter).</summary>
    public static string RuntimeConnectionString(string host, string port) =>
        $"Host={host};Port={port};Database={DatabaseName};Username={RuntimeLogin}";

    private static void Initialize(string dataDirectory, string password)
    {
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
            return;

        Directory.CreateDirectory(dataDirectory);
        var passwordFile = Path.Combine(Path.GetTempPath(), $"referrals-pg-{Guid.NewGuid():N}");
        File.WriteAllText(passwordFile, password);
        try
        {
            if (Environment.UserName == "root")
            {
                Run("chown", $"-R postgres:postgres \"{dataDirectory}\" \"{passwordFile}\"");
                Run("chmod", $"o+rx \"{dataDirectory}\"");
            }
            RunAsServerUser(PostgresBinaries.Find("initdb"), $"-D \"{dataDirectory}\" -U {Superuser} -E UTF8 --no-locale " +
                $"--auth-local=trust --auth-host=scram-sha-256 --pwfile=\"{passwordFile}\"");
            RunAsServerUser(PostgresBinaries.Find("postgres"), $"--single -D \"{dataDirectory}\" postgres", $"CREATE DATABASE {DatabaseName};\n");
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static void RunAsServerUser(string program, string arguments, string? input = null)
    {
        if (Environment.UserName == "root")
            Run("setpriv", $"--reuid=postgres --regid=postgres --init-groups {program} {arguments}", input);
        else
            Run(program, arguments, input);
    }

    private static void Run(string program, string arguments, string? input = null)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"could not start {program}");
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{program} {arguments} failed ({process.ExitCode}): {errors.Result}{output.Result}" +
                " — is PostgreSQL installed (README, set-up)?");
    }
}
