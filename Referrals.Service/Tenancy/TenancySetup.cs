using Marten;

namespace Referrals.Service.Tenancy;

public static class TenancySetup
{
    /// <summary>
    /// The shop registry (global: a webhook names its shop by domain before any tenant is known), the development
    /// shops, and row-level security by shop (its objects are created by `migrate`).
    /// </summary>
    public static WebApplicationBuilder AddTenancy(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(Registry);
        builder.Services.AddSingleton<ShopDirectory>();
        builder.Services.AddSingleton<ShopRegistry>();
        builder.Services.Configure<DevShopsOptions>(builder.Configuration.GetSection(DevShopsOptions.Section));
        builder.Services.AddHostedService<SeedDevShops>();
        builder.Services.AddSingleton<ShopRowLevelSecurity>();
        return builder;
    }

    /// <summary>The registry's document: one shop per domain.</summary>
    public static void Registry(StoreOptions options) => options.Schema.For<Shop>().UniqueIndex(shop => shop.Domain);
}
