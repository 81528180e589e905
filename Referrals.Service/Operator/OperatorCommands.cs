using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using Referrals.Service.Features.DeadLetters;
using Referrals.Service.Features.Replay;
using Referrals.Service.Features.Translations;

// The folder's name is the layout's (ARCHITECTURE.md); `Operator` is reserved only in VB, which never calls this host.
[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Scope = "namespace",
    Target = "~N:Referrals.Service.Operator", Justification = "Host-internal namespace named by the repository layout.")]

namespace Referrals.Service.Operator;

/// <summary>
/// The operator commands, run by the service binary instead of the service (`dotnet Referrals.Service.dll
/// &lt;command&gt; …`; Program.cs dispatches here). Each slice exposes its command; this root lists them.
/// </summary>
public static class OperatorCommands
{
    private static RootCommand Root() => new("Referrals.Service operator commands")
    {
        ReprocessDlqCommand.Create(),
        ReplayCommand.Create(),
        CleanupTranslationsCommand.Create(),
        Tenancy.ShopsCommand.Create(),
        MigrateCommand.Create(),
        RegisterSchemasCommand.Create(),
    };

    public static bool Handles(string[] args) =>
        args is [var name, ..] && Root().Subcommands.Any(command => command.Name == name);

    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = Root().Parse(args);
        foreach (var error in parsed.Errors)
            await Console.Error.WriteLineAsync($"error: {error.Message}");
        if (parsed.Errors.Count > 0)
            return 2;
        try
        {
            // Ctrl+C cancels the action's token; the action stops between two sends and exits on its own.
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
            });
        }
        catch (Exception e) when (e is Confluent.Kafka.KafkaException or Npgsql.NpgsqlException or InvalidOperationException or TimeoutException
                                       or Confluent.SchemaRegistry.SchemaRegistryException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
