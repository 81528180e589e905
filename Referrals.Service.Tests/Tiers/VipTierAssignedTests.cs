extern alias service;

using service::Referrals.Service.Features.Tiers;
using service::Referrals.Service.Tenancy;

namespace Referrals.Service.Tests.Tiers;

[Trait("Tier", "Unit")]
public sealed class VipTierAssignedTests
{
    private static readonly Guid EventId = Guid.Parse("7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    private static readonly Guid Customer = Guid.Parse("1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5");
    private static readonly Guid Shop = Guid.Parse("6f1c2a4e-9d3b-4c5a-8e7f-112233445566");
    private static readonly DateTimeOffset AssignedAt = new(2026, 11, 25, 15, 4, 5, TimeSpan.Zero);
    private static readonly VipTierAssigned Complete = new(EventId, Customer, Shop, "gold", AssignedAt);

    // Keyed by "field: how it is missing", so that each row is a test case of its own.
    private static readonly Dictionary<string, VipTierAssigned> MissingOneField = new()
    {
        ["event_id: null"] = Complete with { EventId = null },
        ["event_id: empty"] = Complete with { EventId = Guid.Empty },
        ["customer_id: null"] = Complete with { CustomerId = null },
        ["customer_id: empty"] = Complete with { CustomerId = Guid.Empty },
        ["shop_id: null"] = Complete with { ShopId = null },
        ["shop_id: empty"] = Complete with { ShopId = Guid.Empty },
        ["tier_id: null"] = Complete with { TierId = null },
        ["tier_id: blank"] = Complete with { TierId = "  " },
        ["tier_id: 65 characters"] = Complete with { TierId = new string('t', 65) },
        ["assigned_at: null"] = Complete with { AssignedAt = null },
    };

    public static TheoryData<string> EventsMissingOneField() => [.. MissingOneField.Keys];

    [Fact]
    public void A_complete_event_yields_its_required_fields()
    {
        var required = Complete.Required();

        required.ShouldBe((EventId, Customer, Shop, "gold", AssignedAt));
    }

    [Fact]
    public void A_tier_id_of_64_characters_is_accepted()
    {
        var tier = new string('t', 64);

        var required = (Complete with { TierId = tier }).Required();

        required.TierId.ShouldBe(tier);
    }

    [Theory]
    [MemberData(nameof(EventsMissingOneField))]
    public void An_event_missing_a_required_field_is_rejected_naming_the_field(string missing)
    {
        var tierEvent = MissingOneField[missing];
        var field = missing[..missing.IndexOf(':', StringComparison.Ordinal)];

        var rejected = Should.Throw<RejectedTierEventException>(() => tierEvent.Required());

        rejected.ErrorType.ShouldBe("missing_fields");
        rejected.Message.ShouldBe($"vip_tier.assigned lacks {field}");
    }

    [Fact]
    public void An_event_missing_several_fields_is_rejected_naming_all_of_them()
    {
        var tierEvent = new VipTierAssigned(null, Customer, Guid.Empty, "gold", null);

        var rejected = Should.Throw<RejectedTierEventException>(() => tierEvent.Required());

        rejected.Message.ShouldBe("vip_tier.assigned lacks event_id, shop_id, assigned_at");
    }

    [Fact]
    public void An_unreadable_event_is_rejected_as_a_malformed_payload_with_the_reason()
    {
        var tierEvent = VipTierAssigned.NotReadable("'x' is an invalid start of a value");

        var rejected = Should.Throw<RejectedTierEventException>(() => tierEvent.Required());

        rejected.ErrorType.ShouldBe("malformed_payload");
        rejected.Message.ShouldBe("vip_tier.assigned is not readable JSON of the event: 'x' is an invalid start of a value");
    }
}
