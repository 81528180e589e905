using Referrals.Service.Correlation;
using Referrals.Service.Platform;

namespace Referrals.Service.Clients;

public static class PlatformGrpcClients
{
    /// <summary>A gRPC client of another platform service at the address in <paramref name="addressKey"/>, correlated.</summary>
    public static IHttpClientBuilder AddPlatformGrpcClient<TClient>(this WebApplicationBuilder builder, string addressKey)
        where TClient : class =>
        builder.Services.AddGrpcClient<TClient>(options =>
                options.Address = new Uri(InfrastructureSettings.RequiredAddress(builder.Configuration, addressKey)))
            .AddInterceptor<CorrelationClientInterceptor>();
}
