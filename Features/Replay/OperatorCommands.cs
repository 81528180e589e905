using System.CommandLine;

namespace Referrals.Service.Features.Replay;

/// <summary>Runs one of this slice's operator commands instead of the service (Program.cs dispatches here).</summary>
public static class OperatorCommands
{
    public static bool Handles(string[] args) => args is [ReprocessDlqCommand.Name or ReplayCommand.Name, ..];

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Referrals.Service operator commands") { ReprocessDlqCommand.Create(), ReplayCommand.Create() };
        var parsed = root.Parse(args);
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
        catch (Exception e) when (e is Confluent.Kafka.KafkaException or Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
