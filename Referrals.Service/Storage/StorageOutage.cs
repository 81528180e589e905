using System.Net.Sockets;
using Npgsql;

namespace Referrals.Service.Storage;

/// <summary>
/// Whether a failure means Postgres is away (refused, broken, or not answering in time) rather than a bug or bad data:
/// an outage is waited out and retried, never a dead letter or a 500.
/// </summary>
public static class StorageOutage
{
    /// <param name="e">The failure, however Marten or Wolverine wrapped it.</param>
    /// <param name="deadlinePassed">True when a cancellation came from the caller's own deadline, which an outage outlasted.</param>
    public static bool IsOutage(Exception e, bool deadlinePassed = false)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is OperationCanceledException && deadlinePassed)
                return true;
            if (current is PostgresException answered)
                return IsGoingOrComing(answered.SqlState); // else a constraint or a query failed: not an outage
            if (current is NpgsqlException or SocketException or TimeoutException)
                return true;
            if (current is AggregateException all)
                return all.InnerExceptions.Any(inner => IsOutage(inner, deadlinePassed));
        }
        return false;
    }

    /// <summary>
    /// An outage (<see cref="IsOutage"/>), a timeout, or what Postgres itself calls transient (a deadlock, a serialization
    /// failure, too busy): worth trying again. A refusal or a broken constraint is not.
    /// </summary>
    public static bool IsTransient(Exception e)
    {
        if (IsOutage(e))
            return true;
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is PostgresException { IsTransient: true })
                return true;
        }
        return false;
    }

    // Class 08 (connection exception), class 57 (shutting down, starting up, cancelled by the server), no free connection.
    private static bool IsGoingOrComing(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("57", StringComparison.Ordinal)
        || sqlState == PostgresErrorCodes.TooManyConnections;
}
