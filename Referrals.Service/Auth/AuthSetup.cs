using Microsoft.AspNetCore.Authorization;
using Referrals.Contracts.Auth.V1;
using Referrals.Service.Clients;
using Referrals.Service.Platform;

namespace Referrals.Service.Auth;

public static class AuthSetup
{
    /// <summary>Room for a header far larger than a token, so an oversized token is refused as 401 / UNAUTHENTICATED by
    /// the door rather than cut off by Kestrel as a protocol error.</summary>
    public const int MaxRequestHeadersBytes = 128 * 1024;

    /// <summary>
    /// The one door: bearer tokens validated through the Auth service (`AUTH_HOST`) for every gRPC call and REST
    /// route, and the named access policies (<see cref="AccessPolicies"/>) that gRPC methods and FastEndpoints share.
    /// </summary>
    public static WebApplicationBuilder AddCallerAuthentication(this WebApplicationBuilder builder)
    {
        builder.AddPlatformGrpcClient<AuthService.AuthServiceClient>(InfrastructureSettings.AuthAddressKey);
        builder.Services.AddSingleton<ValidateCallerToken>();
        builder.Services.AddSingleton<CallerAccess>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestHeadersTotalSize = MaxRequestHeadersBytes;
            kestrel.Limits.Http2.MaxRequestHeaderFieldSize = MaxRequestHeadersBytes;
        });

        builder.Services.AddAuthentication(BearerAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerAuthentication>(BearerAuthentication.SchemeName, null);
        builder.Services.AddAccessPolicies();
        return builder;
    }

    /// <summary>The policies and their handlers, stack-free (the unit tests evaluate them as the service does).</summary>
    public static IServiceCollection AddAccessPolicies(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, ShopOfRequestHandler>();
        services.AddSingleton<IAuthorizationHandler, RevocationKnownHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, RefuseUnauthorizedCalls>();
        services.AddAuthorizationBuilder()
            .AddPolicy(AccessPolicies.MerchantAdmin, policy => Caller(policy, Scopes.MerchantAdmin)
                .AddRequirements(new ShopOfRequest(), new RevocationKnown()))
            .AddPolicy(AccessPolicies.PlatformOperator, policy => Caller(policy, Scopes.PlatformOperator)
                .AddRequirements(new RevocationKnown()))
            .AddPolicy(AccessPolicies.MerchantReader, policy => Caller(policy, Scopes.MerchantView, Scopes.MerchantAdmin)
                .AddRequirements(new ShopOfRequest()))
            .AddPolicy(AccessPolicies.ReferralReader, policy => Caller(policy, Scopes.MerchantView, Scopes.CustomerView)
                .AddRequirements(new ShopOfRequest()))
            .AddPolicy(AccessPolicies.ReferralCreator, policy => Caller(policy, Scopes.CustomerView, Scopes.MerchantAdmin)
                .AddRequirements(new ShopOfRequest()))
            .AddPolicy(AccessPolicies.AuditPurger, policy => Caller(policy, Scopes.AuditPurge)
                .AddRequirements(new RevocationKnown()));
        return services;
    }

    public static WebApplication UseCallerAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    // Scope values compare ordinally and exactly: look-alikes (case, wildcards, trailing spaces) grant nothing.
    private static AuthorizationPolicyBuilder Caller(AuthorizationPolicyBuilder policy, params string[] anyScope) =>
        policy.AddAuthenticationSchemes(BearerAuthentication.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(CallerClaims.Scope, anyScope);
}
