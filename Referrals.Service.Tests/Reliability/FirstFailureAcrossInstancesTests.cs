extern alias service;

using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Referrals.Service.Tests.Infrastructure;
using service::Referrals.Service.Features.DeadLetters;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// A message's first failure noted by one instance is what another instance reads when it parks the message (the
/// scheduled retry ran there): the note lives in Postgres, written and taken as the runtime login, not in one
/// instance's memory.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class FirstFailureAcrossInstancesTests(ReferralsApp app)
{
    [Fact]
    public async Task A_first_failure_noted_on_one_instance_is_taken_on_the_other_once()
    {
        await using var firstDatabase = NpgsqlDataSource.Create(app.RuntimeConnectionString);
        await using var secondDatabase = NpgsqlDataSource.Create(app.RuntimeConnectionString);
        var first = Instance(firstDatabase);
        var second = Instance(secondDatabase);
        var envelope = Guid.NewGuid();
        var before = DateTimeOffset.UtcNow;

        await first.NoteAsync(envelope);
        await Task.Delay(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);
        await second.NoteAsync(envelope); // the retry failed again, on the other instance
        var taken = await second.TakeAsync(envelope);
        var takenAgain = await first.TakeAsync(envelope);

        taken.ShouldNotBeNull();
        taken.Value.ShouldBeInRange(before.AddSeconds(-1), before.AddMilliseconds(150));
        takenAgain.ShouldNotBeNull("the first instance's memory still has its own note, and it is the same time");
        takenAgain.Value.ShouldBe(taken.Value, TimeSpan.FromMilliseconds(1));
        (await second.TakeAsync(envelope)).ShouldBeNull();
    }

    private static SharedFirstFailures Instance(NpgsqlDataSource database) =>
        new(new FirstFailures(TimeProvider.System), database, TimeProvider.System, NullLogger<SharedFirstFailures>.Instance);
}
