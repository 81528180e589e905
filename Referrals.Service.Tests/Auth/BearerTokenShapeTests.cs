extern alias service;

using service::Referrals.Service.Auth;

namespace Referrals.Service.Tests.Auth;

[Trait("Tier", "Unit")]
public sealed class BearerTokenShapeTests
{
    private const string Jwt = "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJ4In0.c2lnbmF0dXJl";

    [Fact]
    public void Three_base64url_parts_of_at_most_8_kb_have_the_shape_of_a_jwt()
    {
        var refusal = BearerTokenShape.Refusal(Jwt);

        refusal.ShouldBeNull();
    }

    [Fact]
    public void A_token_of_exactly_8_kb_is_accepted_and_one_character_more_is_refused()
    {
        var exactly = Jwt + new string('a', BearerTokenShape.MaxLength - Jwt.Length);

        var (atLimit, overLimit) = (BearerTokenShape.Refusal(exactly), BearerTokenShape.Refusal(exactly + "a"));

        atLimit.ShouldBeNull();
        overLimit.ShouldBe("the bearer token is longer than 8192 characters");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData(".b.c")]
    [InlineData("a..c")]
    [InlineData("a.b.")]
    [InlineData("a+b.c.d")]
    [InlineData("a.b/c.d")]
    [InlineData("a.b.c=")]
    [InlineData("a.b.c ")]
    [InlineData("a.b.c\u0000")]
    [InlineData("a.b.\u00e9")]
    [InlineData("' OR 1=1 --.b.c")]
    public void Anything_but_three_non_empty_base64url_parts_is_refused(string token)
    {
        var refusal = BearerTokenShape.Refusal(token);

        refusal.ShouldNotBeNull();
    }

    [Theory]
    [InlineData(null, "missing 'Authorization: Bearer <jwt>'")]
    [InlineData("", "missing 'Authorization: Bearer <jwt>'")]
    [InlineData("Bearer", "the Authorization header is not 'Bearer <jwt>'")]
    [InlineData("Bearer ", "the bearer token is empty")]
    [InlineData("Basic dXNlcjpwYXNz", "the Authorization header is not 'Bearer <jwt>'")]
    [InlineData("Bearer not-a-jwt", "the bearer token is not three base64url parts")]
    public void An_authorization_value_without_a_well_formed_bearer_token_says_why(string? header, string why)
    {
        var (token, refusal) = BearerTokenShape.FromHeader(header);

        token.ShouldBeNull();
        refusal.ShouldBe(why);
    }

    [Theory]
    [InlineData("Bearer " + Jwt)]
    [InlineData("bearer " + Jwt)]
    [InlineData("Bearer   " + Jwt + "  ")]
    public void The_token_of_a_bearer_authorization_value_is_read_whatever_the_schemes_case_and_surrounding_spaces(string header)
    {
        var (token, refusal) = BearerTokenShape.FromHeader(header);

        token.ShouldBe(Jwt);
        refusal.ShouldBeNull();
    }
}
