extern alias service;
using service::Referrals.Service.Correlation;


namespace Referrals.Service.Tests.Correlation;

[Trait("Tier", "Unit")]
public sealed class CorrelationIdTests
{
    [Theory]
    [InlineData("abc-123")]
    [InlineData("req_2026.11.25-Ab12")]
    [InlineData("0b9f6c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b")]
    public void A_short_printable_incoming_correlation_id_is_kept(string incoming)
    {
        var correlationId = CorrelationId.FromIncoming(incoming);

        correlationId.ShouldBe(incoming);
    }

    [Fact]
    public void An_incoming_correlation_id_of_64_characters_is_kept()
    {
        var incoming = new string('a', 64);

        var correlationId = CorrelationId.FromIncoming(incoming);

        correlationId.ShouldBe(incoming);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("has space")]
    [InlineData("line\nbreak")]
    [InlineData("<script>")]
    [InlineData("ünicode")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65 characters
    public void A_missing_or_unsafe_incoming_correlation_id_is_replaced_by_a_new_uuid(string? incoming)
    {
        var correlationId = CorrelationId.FromIncoming(incoming);

        Guid.TryParse(correlationId, out _).ShouldBeTrue();
        correlationId.ShouldNotBe(incoming);
    }
}
