using Npgsql;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Translations;

[Collection(IntegrationTier.Name)]
public sealed class ValidateReferralDescriptionTests(ReferralsApp app)
{
    [Fact]
    public async Task The_database_refuses_a_referral_whose_description_lacks_a_locale_even_from_plain_sql()
    {
        var ct = TestContext.Current.CancellationToken;
        var referralId = await CreateReferralAsync(ct);
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);

        var whileTranslated = await MoveToCancelledAsync(connection, referralId, dropHebrew: false, ct);
        var withoutHebrew = await MoveToCancelledAsync(connection, referralId, dropHebrew: true, ct);

        whileTranslated.ShouldBeNull();
        withoutHebrew.ShouldNotBeNull().SqlState.ShouldBe(PostgresErrorCodes.CheckViolation);
        withoutHebrew.MessageText.ShouldContain("referral.status.cancelled");
    }

    /// <summary>Writes the referral straight to its table, as a psql session would, and rolls back.</summary>
    private static async Task<PostgresException?> MoveToCancelledAsync(NpgsqlConnection connection, Guid referralId, bool dropHebrew,
        CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            if (dropHebrew)
                await Execute(connection, "delete from referrals.mt_doc_translation where key = 'referral.status.cancelled' and locale = 'he'", referralId, ct);
            await Execute(connection,
                "update referrals.mt_doc_referral set data = jsonb_set(data, '{status}', '\"cancelled\"') where id = @id", referralId, ct);
            return null;
        }
        catch (PostgresException e)
        {
            return e;
        }
        finally
        {
            await transaction.RollbackAsync(ct);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, Guid referralId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", referralId);
        (await command.ExecuteNonQueryAsync(ct)).ShouldBeGreaterThan(0);
    }

    private async Task<Guid> CreateReferralAsync(CancellationToken ct)
    {
        var (client, channel) = app.Client();
        using var _ = channel;
        var created = await client.CreateReferralAsync(new CreateReferralRequest
        {
            ShopId = DevShops.Main.ToString(),
            CustomerId = DevShops.Customer(DevShops.Main, 21).ToString(),
            Locale = "en",
            RequestId = Guid.NewGuid().ToString(),
        }, ReferralsGrpc.Bearer(DevShops.AdminToken(DevShops.Main)), cancellationToken: ct);
        return Guid.Parse(created.ReferralId);
    }
}
