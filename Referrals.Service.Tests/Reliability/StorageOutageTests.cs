extern alias service;

using System.Net.Sockets;
using Npgsql;
using service::Referrals.Service.Storage;

namespace Referrals.Service.Tests.Reliability;

/// <summary>What counts as Postgres being away (waited out, 503 for a webhook) and what is a failure of its own.</summary>
[Trait("Tier", "Unit")]
public sealed class StorageOutageTests
{
    public static TheoryData<string, Exception> Outages => new()
    {
        { "refused", new NpgsqlException("Failed to connect to 127.0.0.1:5434", new SocketException((int)SocketError.ConnectionRefused)) },
        { "timed out", new NpgsqlException("The operation has timed out", new TimeoutException()) },
        { "shutting down", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01") },
        { "starting up", new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03") },
        { "connection broken", new PostgresException("connection failure", "FATAL", "FATAL", "08006") },
        { "no free connection", new PostgresException("too many connections", "FATAL", "FATAL", "53300") },
        { "wrapped", new InvalidOperationException("Marten failed", new NpgsqlException("Exception while reading from stream")) },
        { "one of several", new AggregateException(new InvalidOperationException("other"), new NpgsqlException("broken")) },
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public void A_refused_broken_or_silent_postgres_is_an_outage(string _, Exception failure)
    {
        StorageOutage.IsOutage(failure).ShouldBeTrue();
    }

    [Fact]
    public void A_query_postgres_answered_with_an_error_is_not_an_outage()
    {
        StorageOutage.IsOutage(new PostgresException("duplicate key value", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)).ShouldBeFalse();
        StorageOutage.IsOutage(new InvalidOperationException("a bug")).ShouldBeFalse();
    }

    [Fact]
    public void A_cancellation_is_an_outage_only_when_the_callers_deadline_passed()
    {
        StorageOutage.IsOutage(new OperationCanceledException(), deadlinePassed: true).ShouldBeTrue();
        StorageOutage.IsOutage(new OperationCanceledException(), deadlinePassed: false).ShouldBeFalse();
    }

    [Fact]
    public void A_refusal_or_an_aborted_transaction_is_not_worth_a_retry_a_deadlock_or_an_outage_is()
    {
        StorageOutage.IsTransient(new PostgresException("permission denied for table mt_doc_referral", "ERROR", "ERROR", "42501")).ShouldBeFalse();
        StorageOutage.IsTransient(new PostgresException("current transaction is aborted", "ERROR", "ERROR", "25P02")).ShouldBeFalse();
        StorageOutage.IsTransient(new InvalidOperationException("Marten failed",
            new PostgresException("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected))).ShouldBeTrue();
        StorageOutage.IsTransient(new PostgresException("could not serialize access", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure)).ShouldBeTrue();
        StorageOutage.IsTransient(new NpgsqlException("Failed to connect to 127.0.0.1:5434", new SocketException((int)SocketError.ConnectionRefused))).ShouldBeTrue();
        StorageOutage.IsTransient(new TimeoutException()).ShouldBeTrue();
    }
}
