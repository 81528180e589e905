namespace Referrals.Service.Correlation;

public static class CorrelationSetup
{
    /// <summary>A correlation id on every request and message, carried on every outgoing HTTP and gRPC call.</summary>
    public static WebApplicationBuilder AddCorrelation(this WebApplicationBuilder builder)
    {
        builder.Services.AddTransient<CorrelationHttpHandler>();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler<CorrelationHttpHandler>());
        builder.Services.AddSingleton<CorrelationClientInterceptor>();
        return builder;
    }
}
