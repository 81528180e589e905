extern alias service;

using service::Referrals.Service.Auth;

namespace Referrals.Service.Tests.Auth;

[Trait("Tier", "Unit")]
public sealed class CallerClaimsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_caller_survives_the_trip_through_the_claims_principal(bool revocationChecked)
    {
        var caller = new CallerIdentity(Guid.NewGuid(), new HashSet<string>(StringComparer.Ordinal) { Scopes.CustomerView, Scopes.MerchantView },
            Guid.NewGuid(), "jti-7", DateTimeOffset.FromUnixTimeSeconds(1_900_000_000), revocationChecked);

        var back = caller.ToPrincipal("Bearer").ToCaller()!;

        back.ShopId.ShouldBe(caller.ShopId);
        back.Scopes.ShouldBe(caller.Scopes, ignoreOrder: true);
        back.CustomerId.ShouldBe(caller.CustomerId);
        back.Jti.ShouldBe("jti-7");
        back.ExpiresAt.ShouldBe(caller.ExpiresAt);
        back.RevocationChecked.ShouldBe(revocationChecked);
    }

    [Fact]
    public void An_anonymous_principal_is_no_caller()
    {
        var caller = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity()).ToCaller();

        caller.ShouldBeNull();
    }
}
