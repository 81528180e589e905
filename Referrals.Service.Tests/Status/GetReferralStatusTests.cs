using Grpc.Core;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Infrastructure;
using StackExchange.Redis;

namespace Referrals.Service.Tests.StatusReads;

[Collection(IntegrationTier.Name)]
public sealed class GetReferralStatusTests(ReferralsApp app)
{
    [Fact]
    public async Task A_merchant_reads_a_new_referral_as_pending_with_its_link_and_an_english_description()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 30), ct);

        var status = await app.GetStatusAsync(DevShops.Main, created.ReferralId, DevShops.MerchantToken(DevShops.Main), ct);

        status.Status.ShouldBe(ReferralStatus.Pending);
        status.Description.ShouldBe("Referral pending");
        status.Locale.ShouldBe("en");
        status.ReferralLinkId.ShouldBe(created.ReferralLinkId);
        status.UpdatedAt.ToDateTimeOffset().ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddSeconds(5));
    }

    [Theory]
    [InlineData("ar", "ar", Scripts.Arabic)]
    [InlineData("he", "he", Scripts.Hebrew)]
    [InlineData("en", "en", Scripts.Latin)]
    [InlineData("fr", "en", Scripts.Latin)]
    [InlineData("", "en", Scripts.Latin)]
    public async Task The_description_is_in_the_requested_locale_or_in_english_and_the_answer_says_which(
        string requested, string answered, string script)
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 31), ct);

        var status = await app.GetStatusAsync(DevShops.Main, created.ReferralId, DevShops.MerchantToken(DevShops.Main), ct, requested);

        status.Locale.ShouldBe(answered);
        Scripts.Of(status.Description).ShouldBe([script], status.Description);
    }

    [Fact]
    public async Task A_customer_reads_their_own_referral_but_not_another_customers()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = DevShops.Customer(DevShops.Main, 32);
        var created = await app.CreateReferralAsync(DevShops.Main, owner, ct);

        var own = await app.GetStatusAsync(DevShops.Main, created.ReferralId, DevShops.CustomerToken(DevShops.Main, owner), ct);
        var someoneElses = await Should.ThrowAsync<RpcException>(() => app.GetStatusAsync(DevShops.Main, created.ReferralId,
            DevShops.CustomerToken(DevShops.Main, DevShops.Customer(DevShops.Main, 33)), ct));

        own.Status.ShouldBe(ReferralStatus.Pending);
        someoneElses.StatusCode.ShouldBe(StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task A_token_of_another_shop_is_denied_whether_or_not_the_referral_exists()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 34), ct);
        var otherMerchant = DevShops.MerchantToken(DevShops.Other);

        var existing = await Should.ThrowAsync<RpcException>(() => app.GetStatusAsync(DevShops.Main, created.ReferralId, otherMerchant, ct));
        var missing = await Should.ThrowAsync<RpcException>(() => app.GetStatusAsync(DevShops.Main, Guid.NewGuid().ToString(), otherMerchant, ct));
        var ownShopPath = await Should.ThrowAsync<RpcException>(() => app.GetStatusAsync(DevShops.Other, created.ReferralId, otherMerchant, ct));

        existing.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        missing.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        existing.Status.Detail.ShouldBe(missing.Status.Detail);
        existing.Status.Detail.ShouldNotContain("pending");
        // Asking through its own shop does not reach another shop's referral either.
        ownShopPath.StatusCode.ShouldBe(StatusCode.NotFound);
    }

    [Theory]
    [InlineData("not-a-uuid", "5f0c6a8e-0000-4000-8000-00000000abcd", "shop_id")]
    [InlineData("5f0c6a8e-0000-4000-8000-000000000001", "12345", "referral_id")]
    [InlineData("5f0c6a8e-0000-4000-8000-000000000001", "", "referral_id")]
    public async Task A_malformed_uuid_is_invalid_argument_naming_the_field(string shopId, string referralId, string field)
    {
        var (client, channel) = app.Client();
        using var _ = channel;

        var refused = await Should.ThrowAsync<RpcException>(() => client.GetReferralStatusAsync(
            new GetReferralStatusRequest { ShopId = shopId, ReferralId = referralId, Locale = "en" },
            ReferralsGrpc.Bearer(DevShops.MerchantToken(DevShops.Main))).ResponseAsync);

        refused.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        refused.Status.Detail.ShouldContain(field);
    }

    [Fact]
    public async Task An_unknown_referral_is_not_found()
    {
        var ct = TestContext.Current.CancellationToken;

        var refused = await Should.ThrowAsync<RpcException>(() =>
            app.GetStatusAsync(DevShops.Main, Guid.NewGuid().ToString(), DevShops.MerchantToken(DevShops.Main), ct));

        refused.StatusCode.ShouldBe(StatusCode.NotFound);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-jwt")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJ4In0.c2lnbmF0dXJl")]
    public async Task A_missing_or_garbled_token_is_unauthenticated(string? authorization)
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 35), ct);
        var (client, channel) = app.Client();
        using var _ = channel;
        var headers = new Metadata();
        if (authorization is not null)
            headers.Add("authorization", authorization);

        var refused = await Should.ThrowAsync<RpcException>(() => client.GetReferralStatusAsync(
            new GetReferralStatusRequest { ShopId = DevShops.Main.ToString(), ReferralId = created.ReferralId, Locale = "en" }, headers).ResponseAsync);

        refused.StatusCode.ShouldBe(StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task A_blacklisted_token_is_refused_before_auth_is_asked_and_auth_unavailable_is_unavailable()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 36), ct);
        var jti = Guid.NewGuid().ToString();
        var revoked = DevShops.MerchantTokenWithJti(DevShops.Main, jti);
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString))
            await redis.GetDatabase().StringSetAsync($"jwt_blacklist:{jti}", "1", TimeSpan.FromHours(24));

        await app.StopResourceAsync("auth-stub", ct);
        RpcException whileAuthDown, revokedWhileAuthDown;
        try
        {
            // A token never seen before, so no cached validation can answer for Auth.
            whileAuthDown = await Should.ThrowAsync<RpcException>(() =>
                app.GetStatusAsync(DevShops.Main, created.ReferralId, DevShops.MerchantToken(DevShops.Main), ct));
            revokedWhileAuthDown = await Should.ThrowAsync<RpcException>(() =>
                app.GetStatusAsync(DevShops.Main, created.ReferralId, revoked, ct));
        }
        finally
        {
            await app.StartResourceAsync("auth-stub", ct);
        }
        var revokedWithAuthUp = await Should.ThrowAsync<RpcException>(() => app.GetStatusAsync(DevShops.Main, created.ReferralId, revoked, ct));

        whileAuthDown.StatusCode.ShouldBe(StatusCode.Unavailable);
        revokedWhileAuthDown.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        revokedWithAuthUp.StatusCode.ShouldBe(StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task A_deadline_that_has_passed_is_answered_deadline_exceeded()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 37), ct);
        var (client, channel) = app.Client();
        using var _ = channel;

        var refused = await Should.ThrowAsync<RpcException>(() => client.GetReferralStatusAsync(
            new GetReferralStatusRequest { ShopId = DevShops.Main.ToString(), ReferralId = created.ReferralId, Locale = "en" },
            ReferralsGrpc.Bearer(DevShops.MerchantToken(DevShops.Main)), deadline: DateTime.UtcNow.AddSeconds(-1), cancellationToken: ct).ResponseAsync);

        refused.StatusCode.ShouldBe(StatusCode.DeadlineExceeded);
    }

    [Fact]
    public async Task The_correlation_id_sent_in_metadata_comes_back_on_the_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 38), ct);
        var (client, channel) = app.Client();
        using var _ = channel;
        var correlationId = $"status-{Guid.NewGuid():N}";
        var headers = ReferralsGrpc.Bearer(DevShops.MerchantToken(DevShops.Main));
        headers.Add("x-correlation-id", correlationId);

        using var call = client.GetReferralStatusAsync(
            new GetReferralStatusRequest { ShopId = DevShops.Main.ToString(), ReferralId = created.ReferralId, Locale = "he" }, headers, cancellationToken: ct);
        await call.ResponseAsync;
        var answered = await call.ResponseHeadersAsync;

        answered.GetValue("x-correlation-id").ShouldBe(correlationId);
    }
}
