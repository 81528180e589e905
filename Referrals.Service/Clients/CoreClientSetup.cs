using Referrals.Contracts.Core.V1;
using Referrals.Service.Correlation;
using Referrals.Service.Platform;

namespace Referrals.Service.Clients;

public static class CoreClientSetup
{
    /// <summary>The Core service (`CORE_HOST`), which owns customer ids, behind <see cref="CoreCustomers"/>.</summary>
    public static WebApplicationBuilder AddCoreClient(this WebApplicationBuilder builder)
    {
        builder.Services.AddGrpcClient<CoreService.CoreServiceClient>(options => options.Address =
                new Uri(InfrastructureSettings.RequiredAddress(builder.Configuration, InfrastructureSettings.CoreAddressKey)))
            .AddInterceptor<CorrelationClientInterceptor>();
        builder.Services.AddSingleton<CoreCustomers>();
        return builder;
    }
}
