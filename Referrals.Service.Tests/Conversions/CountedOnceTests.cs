using Npgsql;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Conversions;

/// <summary>Outcome metrics are recorded once the conversion committed: a handler that retried counts once.</summary>
[Collection(IntegrationTier.Name)]
public sealed class CountedOnceTests(ReferralsApp app)
{
    [Fact]
    public async Task A_conversion_that_hit_a_concurrency_retry_counts_its_order_and_its_conversion_exactly_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 31, ct, locale: "ar");
        using var http = app.CreateHttpClient();
        var ordersBefore = await http.SampleAsync("referrals_orders_total", ct, ("outcome", "converted"));
        var conversionsBefore = await http.SampleAsync("referrals_conversions_total", ct, ("status", "completed"), ("locale", "ar"));

        // Hold the referral's row with a new version: the handler loads the committed version, its optimistic update
        // waits on this lock, then finds the version moved (ConcurrencyException) and the handler runs again.
        await using var holder = new NpgsqlConnection(app.DatabaseConnectionString);
        await holder.OpenAsync(ct);
        await using var hold = await holder.BeginTransactionAsync(ct);
        await using (var bump = new NpgsqlCommand(
            "update referrals.mt_doc_referral set mt_version = md5(random()::text)::uuid where id = @id", holder, hold))
        {
            bump.Parameters.AddWithValue("id", link.ReferralId);
            (await bump.ExecuteNonQueryAsync(ct)).ShouldBe(1);
        }
        var accepted = await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(shopifyCustomer: 32, discountCode: link.LinkId), ct: ct);
        await Eventually.ReturnsAsync(() => WaitingOnALockAsync(ct), waiting => waiting > 0, TimeSpan.FromSeconds(30), ct);
        await hold.CommitAsync(ct);

        accepted.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        app.EventsOf("referral.completed", link.ReferralId, atMost: 2, TimeSpan.FromSeconds(20), ct).ShouldHaveSingleItem();
        await Eventually.ReturnsAsync(() => http.SampleAsync("referrals_orders_total", ct, ("outcome", "converted")),
            counted => counted > ordersBefore, TimeSpan.FromSeconds(10), ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct); // a second count, if any, would be recorded by now
        (await http.SampleAsync("referrals_orders_total", ct, ("outcome", "converted")) - ordersBefore).ShouldBe(1);
        (await http.SampleAsync("referrals_conversions_total", ct, ("status", "completed"), ("locale", "ar")) - conversionsBefore).ShouldBe(1);
    }

    private async Task<long> WaitingOnALockAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
