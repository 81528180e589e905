using System.Text.Json;
using FastEndpoints;
using Referrals.Service.Auth;
using Referrals.Service.Caching;
using Referrals.Service.Clients;
using Referrals.Service.Correlation;
using Referrals.Service.Discovery;
using Referrals.Service.Idempotency;
using Referrals.Service.Messaging;
using Referrals.Service.Observability;
using Referrals.Service.Storage;
using Referrals.Service.Tenancy;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Platform;

/// <summary>What every slice stands on: configuration, storage, messaging, tenancy, callers, clients, the door.</summary>
public static class PlatformSetup
{
    public static WebApplicationBuilder AddReferralsPlatform(this WebApplicationBuilder builder)
    {
        RefuseDevDefaultsOutsideDevelopment.Check(builder.Configuration, builder.Environment);
        InfrastructureSettings.ApplySeedVariables(builder.Configuration);
        ListenAddress.Apply(builder.Configuration, builder.Environment);

        builder.AddServiceDefaults();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<ErrorMetrics>();
        builder.AddServiceMeter(ErrorMetrics.MeterName);
        // A cancelled command (a webhook's deadline, WebhookAcceptDeadline) gives up at once instead of waiting for a
        // Postgres that may have stopped answering to confirm the cancellation.
        builder.AddNpgsqlDataSource(InfrastructureSettings.Database,
            configureDataSourceBuilder: dataSource => dataSource.ConnectionStringBuilder.CancellationTimeout = -1);

        builder.AddCorrelation();
        builder.AddReferralsStorage();
        builder.AddReferralsMessaging();
        builder.AddCaching();
        builder.AddTenancy();
        builder.AddIdempotency();
        builder.AddCallerAuthentication();
        builder.AddCoreClient();
        builder.AddShopifyWebhooks();
        builder.AddGrpcMutualTls();
        builder.AddConsulRegistration();

        builder.Services.AddGrpc(options => options.Interceptors.Add<AuthorizeShopOfGrpcRequest>());
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddGrpcReflection();
        // The endpoints live in this assembly only: the start does not scan every loaded assembly's types for them.
        builder.Services.AddFastEndpoints(discovery =>
        {
            discovery.DisableAutoDiscovery = true;
            discovery.Assemblies = [typeof(PlatformSetup).Assembly];
        });
        return builder;
    }

    public static WebApplication MapReferralsPlatform(this WebApplication app)
    {
        app.UseMiddleware<CorrelationMiddleware>();
        app.UseMiddleware<AbandonedRequests>();
        app.UseRateLimiter();
        app.UseCallerAuthentication();
        app.UseWebhookAcceptDeadline();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapDefaultEndpoints();
        app.UseFastEndpoints(config =>
        {
            config.Serializer.Options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            config.Errors.UseProblemDetails(problem =>
            {
                problem.IndicateErrorCode = true; // the code names the rule that was broken
                problem.AllowDuplicateErrors = true;
            });
        });
        return app;
    }
}
