using Grpc.Core;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Links;

[Collection(IntegrationTier.Name)]
public sealed class CreateReferralTests(ReferralsApp app)
{
    [Fact]
    public async Task A_new_referral_is_pending_and_its_invite_task_is_read_from_kafka_with_key_and_headers()
    {
        var ct = TestContext.Current.CancellationToken;
        var (client, channel) = app.Client();
        using var _ = channel;
        var customer = DevShops.Customer(DevShops.Main, 7);
        var correlationId = $"test-{Guid.NewGuid():N}";
        var headers = ReferralsGrpc.Bearer(DevShops.AdminToken(DevShops.Main));
        headers.Add("x-correlation-id", correlationId);

        var created = await client.CreateReferralAsync(RequestFor(DevShops.Main, customer, "he"), headers, cancellationToken: ct);
        var tasks = KafkaReader.Read(app.KafkaBootstrap, "referral.task",
            record => record.Headers.GetValueOrDefault("correlation_id") == correlationId, count: 2, TimeSpan.FromSeconds(10), ct);

        created.Status.ShouldBe(ReferralStatus.Pending);
        created.ReferralLinkId.ShouldMatch("^[0-9A-Za-z]{12}$");
        var task = tasks.ShouldHaveSingleItem();
        task.Key.ShouldBe(DevShops.Main.ToString());
        task.Headers["event_type"].ShouldBe("referral.task");
        task.Headers["schema_version"].ShouldBe("1.0.0");
        task.Payload.GetProperty("customer_id").GetGuid().ShouldBe(customer);
        task.Payload.GetProperty("shop_id").GetGuid().ShouldBe(DevShops.Main);
        task.Payload.GetProperty("task_type").GetString().ShouldBe("referral.invite");
        task.Payload.GetProperty("locale").GetString().ShouldBe("he");
        task.Payload.GetProperty("correlation_id").GetString().ShouldBe(correlationId);
        task.Payload.TryGetProperty("event_id", out var eventId).ShouldBeTrue();
        eventId.GetGuid().ShouldNotBe(Guid.Empty);
    }

    [Fact]
    public async Task The_same_request_id_twice_returns_the_same_referral()
    {
        var ct = TestContext.Current.CancellationToken;
        var (client, channel) = app.Client();
        using var _ = channel;
        var request = RequestFor(DevShops.Main, DevShops.Customer(DevShops.Main, 8));
        var headers = ReferralsGrpc.Bearer(DevShops.AdminToken(DevShops.Main));

        var first = await client.CreateReferralAsync(request, headers, cancellationToken: ct);
        var second = await client.CreateReferralAsync(request, headers, cancellationToken: ct);

        second.ReferralId.ShouldBe(first.ReferralId);
        second.ReferralLinkId.ShouldBe(first.ReferralLinkId);
    }

    [Fact]
    public async Task Ten_concurrent_calls_with_one_request_id_create_one_referral()
    {
        var ct = TestContext.Current.CancellationToken;
        var (client, channel) = app.Client();
        using var _ = channel;
        var request = RequestFor(DevShops.Main, DevShops.Customer(DevShops.Main, 10));
        var headers = ReferralsGrpc.Bearer(DevShops.AdminToken(DevShops.Main));
        await client.CreateReferralAsync(RequestFor(DevShops.Main, DevShops.Customer(DevShops.Main, 10)), headers, cancellationToken: ct); // warm
        // The calls that lose the race hit the unique request id, and the service logs their failed insert.
        using var expected = app.ExpectErrorLogs(
            "23505: duplicate key value violates unique constraint \"unique_referrals_shop_id_request_id\"",
            "JasperFx.DocumentAlreadyExistsException");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(_ => client.CreateReferralAsync(request, headers, cancellationToken: ct).ResponseAsync));

        responses.Select(r => r.ReferralId).Distinct().ShouldHaveSingleItem();
        responses.Select(r => r.ReferralLinkId).Distinct().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_token_of_another_shop_is_denied()
    {
        var (client, channel) = app.Client();
        using var _ = channel;

        var denied = await Should.ThrowAsync<RpcException>(() => client.CreateReferralAsync(
            RequestFor(DevShops.Main, DevShops.Customer(DevShops.Main, 9)),
            ReferralsGrpc.Bearer(DevShops.AdminToken(DevShops.Other))).ResponseAsync);

        denied.StatusCode.ShouldBe(StatusCode.PermissionDenied);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-jwt")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task A_missing_or_garbled_token_is_unauthenticated(string? authorization)
    {
        var (client, channel) = app.Client();
        using var _ = channel;
        var headers = new Metadata();
        if (authorization is not null)
            headers.Add("authorization", authorization);

        var refused = await Should.ThrowAsync<RpcException>(() => client.CreateReferralAsync(
            RequestFor(DevShops.Main, DevShops.Customer(DevShops.Main, 9)), headers).ResponseAsync);

        refused.StatusCode.ShouldBe(StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task A_customer_core_does_not_know_is_not_found_and_a_malformed_id_names_the_field()
    {
        var (client, channel) = app.Client();
        using var _ = channel;
        var headers = ReferralsGrpc.Bearer(DevShops.AdminToken(DevShops.Main));
        var malformedRequest = RequestFor(DevShops.Main, Guid.NewGuid());
        malformedRequest.CustomerId = "not-a-uuid";

        var unknown = await Should.ThrowAsync<RpcException>(() => client.CreateReferralAsync(
            RequestFor(DevShops.Main, Guid.NewGuid()), headers).ResponseAsync);
        var malformed = await Should.ThrowAsync<RpcException>(() => client.CreateReferralAsync(
            malformedRequest, headers).ResponseAsync);

        unknown.StatusCode.ShouldBe(StatusCode.NotFound);
        malformed.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        malformed.Status.Detail.ShouldContain("customer_id");
    }

    private static CreateReferralRequest RequestFor(Guid shop, Guid customer, string locale = "en") => new()
    {
        ShopId = shop.ToString(),
        CustomerId = customer.ToString(),
        Locale = locale,
        RequestId = Guid.NewGuid().ToString(),
    };
}
