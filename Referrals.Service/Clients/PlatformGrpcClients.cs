using Referrals.Service.Correlation;
using Referrals.Service.Platform;

namespace Referrals.Service.Clients;

public static class PlatformGrpcClients
{
    /// <summary>A gRPC client of another platform service at the address in <paramref name="addressKey"/>, correlated,
    /// over TLS with this service's client certificate when <see cref="PlatformClientTlsSettings"/> are set.</summary>
    public static IHttpClientBuilder AddPlatformGrpcClient<TClient>(this WebApplicationBuilder builder, string addressKey)
        where TClient : class
    {
        var tls = PlatformClientTlsSettings.From(builder.Configuration);
        var client = builder.Services.AddGrpcClient<TClient>(options => options.Address = Address(builder.Configuration, addressKey, tls))
            .AddInterceptor<CorrelationClientInterceptor>();
        return tls is null ? client : client.UsePlatformClientTls(tls);
    }

    private static Uri Address(ConfigurationManager configuration, string addressKey, PlatformClientTlsSettings? tls) =>
        tls is not null && configuration[addressKey] is { } hostPort && !hostPort.Contains("://", StringComparison.Ordinal)
            ? new Uri("https://" + hostPort)
            : new Uri(InfrastructureSettings.RequiredAddress(configuration, addressKey));
}
