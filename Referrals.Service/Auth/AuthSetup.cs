using Referrals.Contracts.Auth.V1;
using Referrals.Service.Clients;
using Referrals.Service.Platform;

namespace Referrals.Service.Auth;

public static class AuthSetup
{
    /// <summary>Bearer tokens validated through the Auth service (`AUTH_HOST`) for every gRPC call and admin route.</summary>
    public static WebApplicationBuilder AddCallerAuthentication(this WebApplicationBuilder builder)
    {
        builder.AddPlatformGrpcClient<AuthService.AuthServiceClient>(InfrastructureSettings.AuthAddressKey);
        builder.Services.AddSingleton<ValidateCallerToken>();
        return builder;
    }
}
