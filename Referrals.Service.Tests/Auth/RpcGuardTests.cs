extern alias service;

using Grpc.Core;
using service::Referrals.Service.Auth;

namespace Referrals.Service.Tests.Auth;

[Trait("Tier", "Unit")]
public sealed class RpcGuardTests
{
    [Fact]
    public void A_uuid_field_reads_as_its_guid()
    {
        var id = RpcGuard.Uuid("0b9f6c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b", "referral_id");

        id.ShouldBe(Guid.Parse("0b9f6c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-uuid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public void A_field_that_is_not_a_uuid_or_is_the_empty_uuid_is_an_invalid_argument_naming_the_field(string value)
    {
        var refused = Should.Throw<RpcException>(() => RpcGuard.Uuid(value, "referral_id"));

        refused.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        refused.Status.Detail.ShouldBe("referral_id must be a UUID");
    }

    [Theory]
    [InlineData("en")]
    [InlineData("12345")]
    public void A_text_field_of_at_most_its_length_is_accepted(string value)
    {
        var text = RpcGuard.Text(value, "locale", maxLength: 5);

        text.ShouldBe(value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("123456")]
    public void A_blank_or_too_long_text_field_is_an_invalid_argument_naming_the_field_and_its_limit(string value)
    {
        var refused = Should.Throw<RpcException>(() => RpcGuard.Text(value, "locale", maxLength: 5));

        refused.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        refused.Status.Detail.ShouldBe("locale is required (at most 5 characters)");
    }

    [Fact]
    public void A_refused_permission_is_permission_denied_with_the_reason()
    {
        var refused = Should.Throw<RpcException>(() => RpcGuard.Allow(false, "not a merchant of this shop"));

        refused.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        refused.Status.Detail.ShouldBe("not a merchant of this shop");
    }

    [Fact]
    public void A_granted_permission_lets_the_call_through()
    {
        var allow = () => RpcGuard.Allow(true, "not a merchant of this shop");

        allow.ShouldNotThrow();
    }
}
