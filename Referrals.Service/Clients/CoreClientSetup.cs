using Referrals.Contracts.Core.V1;
using Referrals.Service.Platform;

namespace Referrals.Service.Clients;

public static class CoreClientSetup
{
    /// <summary>The Core service (`CORE_HOST`), which owns customer ids, behind <see cref="CoreCustomers"/>.</summary>
    public static WebApplicationBuilder AddCoreClient(this WebApplicationBuilder builder)
    {
        builder.AddPlatformGrpcClient<CoreService.CoreServiceClient>(InfrastructureSettings.CoreAddressKey);
        builder.Services.AddSingleton<CoreCustomers>();
        return builder;
    }
}
