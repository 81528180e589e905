extern alias service;

using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using service::Referrals.Service.Auth;

namespace Referrals.Service.Tests.Auth;

/// <summary>The policies as the service registers them, evaluated without a stack: the README's "Who may call what".</summary>
[Trait("Tier", "Unit")]
public sealed class AccessPolicyTests
{
    private static readonly Guid Shop = Guid.Parse("5f0c6a8e-0000-4000-8000-000000000001");
    private static readonly Guid OtherShop = Guid.Parse("5f0c6a8e-0000-4000-8000-000000000002");

    private static readonly IAuthorizationService Authorization = new ServiceCollection()
        .AddLogging().AddAccessPolicies().BuildServiceProvider().GetRequiredService<IAuthorizationService>();

    [Theory]
    [InlineData(AccessPolicies.ReferralReader, Scopes.MerchantView, true)]
    [InlineData(AccessPolicies.ReferralReader, Scopes.CustomerView, true)]
    [InlineData(AccessPolicies.ReferralReader, Scopes.MerchantAdmin, false)]
    [InlineData(AccessPolicies.ReferralReader, Scopes.AuditPurge, false)]
    [InlineData(AccessPolicies.ReferralCreator, Scopes.CustomerView, true)]
    [InlineData(AccessPolicies.ReferralCreator, Scopes.MerchantAdmin, true)]
    [InlineData(AccessPolicies.ReferralCreator, Scopes.MerchantView, false)]
    [InlineData(AccessPolicies.MerchantReader, Scopes.MerchantView, true)]
    [InlineData(AccessPolicies.MerchantReader, Scopes.MerchantAdmin, true)]
    [InlineData(AccessPolicies.MerchantReader, Scopes.CustomerView, false)]
    [InlineData(AccessPolicies.MerchantAdmin, Scopes.MerchantAdmin, true)]
    [InlineData(AccessPolicies.MerchantAdmin, Scopes.MerchantView, false)]
    [InlineData(AccessPolicies.MerchantAdmin, Scopes.PlatformOperator, false)]
    [InlineData(AccessPolicies.PlatformOperator, Scopes.PlatformOperator, true)]
    [InlineData(AccessPolicies.PlatformOperator, Scopes.MerchantAdmin, false)]
    [InlineData(AccessPolicies.AuditPurger, Scopes.AuditPurge, true)]
    [InlineData(AccessPolicies.AuditPurger, Scopes.MerchantAdmin, false)]
    public async Task A_policy_grants_exactly_its_scopes_for_the_tokens_own_shop(string policy, string scope, bool granted)
    {
        var result = await Authorization.AuthorizeAsync(Caller(Shop, scope), new RequestShop(Shop), policy);

        result.Succeeded.ShouldBe(granted);
    }

    [Theory]
    [InlineData(AccessPolicies.ReferralReader, Scopes.MerchantView)]
    [InlineData(AccessPolicies.ReferralCreator, Scopes.MerchantAdmin)]
    [InlineData(AccessPolicies.MerchantReader, Scopes.MerchantAdmin)]
    [InlineData(AccessPolicies.MerchantAdmin, Scopes.MerchantAdmin)]
    public async Task Another_shops_token_is_denied_by_every_shop_policy(string policy, string scope)
    {
        var result = await Authorization.AuthorizeAsync(Caller(OtherShop, scope), new RequestShop(Shop), policy);

        result.Succeeded.ShouldBeFalse();
        RefuseUnauthorizedCalls.WhyForbidden(result.Failure).ShouldBe((StatusCode.PermissionDenied, "the token is not for this shop"));
    }

    [Theory]
    [InlineData("merchant:referrals:viewer")]
    [InlineData("MERCHANT:REFERRALS:VIEW")]
    [InlineData("merchant:referrals:*")]
    [InlineData("merchant:referrals:view ")]
    [InlineData(" merchant:referrals:view")]
    [InlineData("merchant:referrals:view\t")]
    [InlineData("merchant:referrals")]
    [InlineData("*")]
    public async Task A_look_alike_scope_grants_nothing(string lookAlike)
    {
        var policies = new[]
        {
            AccessPolicies.ReferralReader, AccessPolicies.ReferralCreator, AccessPolicies.MerchantReader, AccessPolicies.MerchantAdmin,
            AccessPolicies.PlatformOperator, AccessPolicies.AuditPurger,
        };

        var granted = new List<string>();
        foreach (var policy in policies)
            if ((await Authorization.AuthorizeAsync(Caller(Shop, lookAlike), new RequestShop(Shop), policy)).Succeeded)
                granted.Add(policy);

        granted.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_platform_token_with_the_nil_shop_is_an_operator_everywhere_and_a_merchant_nowhere()
    {
        var platform = Caller(Guid.Empty, Scopes.PlatformOperator, Scopes.MerchantAdmin);

        var operatorAnywhere = await Authorization.AuthorizeAsync(platform, new RequestShop(null), AccessPolicies.PlatformOperator);
        var adminOfNilShop = await Authorization.AuthorizeAsync(platform, new RequestShop(Guid.Empty), AccessPolicies.MerchantAdmin);
        var adminOfShop = await Authorization.AuthorizeAsync(platform, new RequestShop(Shop), AccessPolicies.MerchantAdmin);

        operatorAnywhere.Succeeded.ShouldBeTrue();
        adminOfNilShop.Succeeded.ShouldBeFalse();
        adminOfShop.Succeeded.ShouldBeFalse();
    }

    [Theory]
    [InlineData("PUT", false)]
    [InlineData("POST", false)]
    [InlineData("DELETE", false)]
    [InlineData("GET", true)]
    public async Task With_the_blacklist_unknown_a_merchant_admins_write_is_unavailable_and_a_read_goes_on(string method, bool granted)
    {
        var result = await Authorization.AuthorizeAsync(Caller(Shop, revocationChecked: false, Scopes.MerchantAdmin), Route(method, Shop),
            AccessPolicies.MerchantAdmin);

        result.Succeeded.ShouldBe(granted);
        if (!granted)
            RefuseUnauthorizedCalls.WhyForbidden(result.Failure).Item1.ShouldBe(StatusCode.Unavailable);
    }

    [Theory]
    [InlineData(AccessPolicies.AuditPurger, Scopes.AuditPurge)]
    [InlineData(AccessPolicies.MerchantAdmin, Scopes.MerchantAdmin)]
    [InlineData(AccessPolicies.PlatformOperator, Scopes.PlatformOperator)]
    public async Task With_the_blacklist_unknown_a_destructive_grpc_call_or_token_check_is_unavailable(string policy, string scope)
    {
        var result = await Authorization.AuthorizeAsync(Caller(Shop, revocationChecked: false, scope), new RequestShop(Shop), policy);

        result.Succeeded.ShouldBeFalse();
        RefuseUnauthorizedCalls.WhyForbidden(result.Failure).ShouldBe((StatusCode.Unavailable, RequireKnownRevocation.Reason));
    }

    [Fact]
    public async Task With_the_blacklist_unknown_a_caller_without_the_scope_is_still_denied_not_told_it_is_unavailable()
    {
        var result = await Authorization.AuthorizeAsync(Caller(Shop, revocationChecked: false, Scopes.MerchantView), Route("PUT", Shop),
            AccessPolicies.MerchantAdmin);

        RefuseUnauthorizedCalls.WhyForbidden(result.Failure).Item1.ShouldBe(StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task With_the_blacklist_unknown_reads_under_reader_policies_go_on()
    {
        var result = await Authorization.AuthorizeAsync(Caller(Shop, revocationChecked: false, Scopes.MerchantView), new RequestShop(Shop),
            AccessPolicies.ReferralReader);

        result.Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("5f0c6a8e-0000-4000-8000-000000000001", true)]
    [InlineData("5f0c6a8e-0000-4000-8000-000000000002", false)]
    [InlineData("not-a-uuid", false)]
    [InlineData("", false)]
    public async Task On_rest_the_shop_is_the_route_value(string routeShop, bool granted)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.RouteValues[ShopOfRequest.RouteValue] = routeShop;

        var result = await Authorization.AuthorizeAsync(Caller(Shop, Scopes.MerchantView), http, AccessPolicies.MerchantReader);

        result.Succeeded.ShouldBe(granted);
    }

    [Fact]
    public async Task A_request_without_a_shop_is_denied_by_a_shop_policy()
    {
        var result = await Authorization.AuthorizeAsync(Caller(Shop, Scopes.MerchantAdmin), new RequestShop(null), AccessPolicies.MerchantAdmin);

        result.Succeeded.ShouldBeFalse();
    }

    [Fact]
    public async Task An_anonymous_caller_is_challenged_not_forbidden()
    {
        var anonymous = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());

        var result = await Authorization.AuthorizeAsync(anonymous, new RequestShop(Shop), AccessPolicies.ReferralReader);

        result.Succeeded.ShouldBeFalse();
        result.Failure!.FailedRequirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.DenyAnonymousAuthorizationRequirement>()
            .ShouldNotBeEmpty();
    }

    private static DefaultHttpContext Route(string method, Guid shop)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.RouteValues[ShopOfRequest.RouteValue] = shop.ToString();
        return http;
    }

    private static System.Security.Claims.ClaimsPrincipal Caller(Guid shop, params string[] scopes) => Caller(shop, true, scopes);

    private static System.Security.Claims.ClaimsPrincipal Caller(Guid shop, bool revocationChecked, params string[] scopes) =>
        new CallerIdentity(shop, scopes.ToHashSet(StringComparer.Ordinal), null, "jti-1", DateTimeOffset.UtcNow.AddHours(1), revocationChecked)
            .ToPrincipal("Bearer");
}
