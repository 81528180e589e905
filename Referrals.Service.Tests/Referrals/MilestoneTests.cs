using Npgsql;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Program;

namespace Referrals.Service.Tests.Referrals;

/// <summary>
/// On the stack, with the other dev shop's hold at 0 days and milestones at the 5th and 10th qualified referral: an
/// advocate's 5th qualification emits one `referral.milestone_reached` (read off Kafka with a plain consumer), also when
/// its QualifyReferral is delivered again; ten at once on both instances emit the 5th and the 10th once each; a milestone
/// the shop adds below an advocate's count is not paid later. Customers 107200–107299, orders 7190000000–7190000999.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class MilestoneTests(ReferralsApp app)
{
    private const string Topic = "referral.milestone_reached";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly object FifthAndTenth = new[] { new { qualified = 5, points = 500 }, new { qualified = 10, points = 1500 } };

    [Fact]
    public async Task An_advocates_fifth_qualified_referral_emits_the_milestone_once_even_when_its_qualification_is_delivered_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var settings = await app.ProgramSettingsAsync(new { hold_days = 0, milestones = FifthAndTenth }, ct);

        var referrals = await QualifyAsync(advocate: 107200, firstBuyer: 107201, firstOrder: 7190000001, count: 5, ct);

        var advocate = DevShops.Customer(ProgramFlow.Shop.Id, 107200);
        var reached = MilestonesOf(advocate, atMost: 1, Wait, ct).ShouldHaveSingleItem();
        reached.Key.ShouldBe(ProgramFlow.Shop.Id.ToString());
        reached.Payload.GetProperty("milestone").GetInt32().ShouldBe(5);
        reached.Payload.GetProperty("points").GetInt32().ShouldBe(500);
        reached.Payload.GetProperty("referral_id").GetGuid().ShouldBe(referrals[^1]);
        reached.Payload.GetProperty("shop_id").GetGuid().ShouldBe(ProgramFlow.Shop.Id);
        reached.Payload.TryGetProperty("occurred_at", out _).ShouldBeTrue();
        reached.Payload.ToString().ShouldNotContain("@");

        (await DeliverQualificationAgainAsync(referrals[^1], ct)).ShouldBe(1);
        await Eventually.ReturnsAsync(() => PendingCopiesAsync(referrals[^1], ct), pending => pending == 0, Wait, ct);
        MilestonesOf(advocate, atMost: 2, TimeSpan.FromSeconds(3), ct).Count.ShouldBe(1);
        (await CountedAsync(advocate, ct)).ShouldBe(5);
    }

    [Fact]
    public async Task Ten_qualifications_of_one_advocate_at_once_count_ten_and_emit_the_fifth_and_the_tenth_once_each()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var settings = await app.ProgramSettingsAsync(new { hold_days = 0, milestones = FifthAndTenth }, ct);
        var links = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => app.LinkOfAsync(107210, ct)));

        var outcomes = await Task.WhenAll(links.Select((link, i) =>
            app.ConvertAsync(ProgramFlow.Order(107220 + i, link.LinkId, orderId: 7190000100 + i, subtotal: "100.00"), ct)));
        foreach (var link in links)
            await app.ReferralOnceAsync(link.ReferralId, "rewarded", ct);

        var advocate = DevShops.Customer(ProgramFlow.Shop.Id, 107210);
        outcomes.ShouldAllBe(outcome => outcome == "converted");
        var reached = MilestonesOf(advocate, atMost: 2, Wait, ct);
        MilestonesOf(advocate, atMost: 3, TimeSpan.FromSeconds(3), ct).Count.ShouldBe(2);
        reached.Select(r => r.Payload.GetProperty("milestone").GetInt32()).Order().ShouldBe([5, 10]);
        (await CountedAsync(advocate, ct)).ShouldBe(10);
    }

    [Fact]
    public async Task A_milestone_added_below_an_advocates_count_is_not_paid_later_and_the_next_one_still_is()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (await app.ProgramSettingsAsync(new { hold_days = 0 }, ct))
            await QualifyAsync(advocate: 107240, firstBuyer: 107241, firstOrder: 7190000201, count: 3, ct);

        await using var settings = await app.ProgramSettingsAsync(new
        {
            hold_days = 0,
            milestones = new[] { new { qualified = 2, points = 200 }, new { qualified = 4, points = 400 } },
        }, ct);
        await QualifyAsync(advocate: 107240, firstBuyer: 107244, firstOrder: 7190000204, count: 2, ct);

        var advocate = DevShops.Customer(ProgramFlow.Shop.Id, 107240);
        var reached = MilestonesOf(advocate, atMost: 1, Wait, ct).ShouldHaveSingleItem();
        MilestonesOf(advocate, atMost: 2, TimeSpan.FromSeconds(3), ct).Count.ShouldBe(1);
        (reached.Payload.GetProperty("milestone").GetInt32(), reached.Payload.GetProperty("points").GetInt32()).ShouldBe((4, 400));
        (await CountedAsync(advocate, ct)).ShouldBe(5);
    }

    /// <summary>Converts <paramref name="count"/> orders through new links of the advocate, one after another, each until rewarded.</summary>
    private async Task<IReadOnlyList<Guid>> QualifyAsync(long advocate, long firstBuyer, long firstOrder, int count, CancellationToken ct)
    {
        var referrals = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var link = await app.LinkOfAsync(advocate, ct);
            (await app.ConvertAsync(ProgramFlow.Order(firstBuyer + i, link.LinkId, orderId: firstOrder + i, subtotal: "100.00"), ct))
                .ShouldBe("converted");
            (await app.ReferralOnceAsync(link.ReferralId, "rewarded", ct)).Status.ShouldBe("rewarded");
            referrals.Add(link.ReferralId);
        }
        return referrals;
    }

    private IReadOnlyList<KafkaRecord> MilestonesOf(Guid advocate, int atMost, TimeSpan within, CancellationToken ct) =>
        KafkaReader.Read(app.KafkaBootstrap, Topic, r => r.Payload.GetProperty("customer_id").GetGuid() == advocate, atMost, within, ct);

    /// <summary>
    /// Puts a copy of the referral's handled QualifyReferral back into Wolverine's durable inbox, due now and owned by no
    /// node, as an at-least-once redelivery would: the number of copies made.
    /// </summary>
    private async Task<int> DeliverQualificationAgainAsync(Guid referralId, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "insert into referrals.wolverine_incoming_envelopes (body, id, status, owner_id, execution_time, attempts, message_type, received_at, keep_until) " +
            "select body, gen_random_uuid(), 'Scheduled', 0, now(), 0, message_type, received_at, null from referrals.wolverine_incoming_envelopes " +
            "where message_type like '%QualifyReferral%' and position(convert_to(@referral, 'UTF8') in body) > 0 limit 1", connection);
        command.Parameters.AddWithValue("referral", referralId.ToString());
        return await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<long> PendingCopiesAsync(Guid referralId, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select count(*) from referrals.wolverine_incoming_envelopes where message_type like '%QualifyReferral%' " +
            "and status <> 'Handled' and position(convert_to(@referral, 'UTF8') in body) > 0", connection);
        command.Parameters.AddWithValue("referral", referralId.ToString());
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The advocate's count of qualified referrals as the service stored it.</summary>
    private async Task<int?> CountedAsync(Guid advocate, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select (data->>'qualified')::int from referrals.mt_doc_advocatemilestones where tenant_id = @shop and id = @advocate", connection);
        command.Parameters.AddWithValue("shop", ProgramFlow.Shop.Id.ToString());
        command.Parameters.AddWithValue("advocate", advocate);
        return await command.ExecuteScalarAsync(ct) as int?;
    }
}
