using System.Text.Json;
using FastEndpoints;
using Referrals.Contracts.Auth.V1;
using Referrals.Contracts.Core.V1;
using Referrals.Service.Auth;
using Referrals.Service.Idempotency;
using Referrals.Service.Features;
using Referrals.Service.Features.Conversions;
using Referrals.Service.Features.DeadLetters;
using Referrals.Service.Features.Links;
using Referrals.Service.Features.StatusReads;
using Referrals.Service.Features.Purge;
using Referrals.Service.Features.Tiers;
using Referrals.Service.Features.Replay;
using Referrals.Service.Features.Translations;
using Referrals.Service.Infrastructure;
using Referrals.Service.Operator;
using Referrals.Service.Tenancy;

if (OperatorCommands.Handles(args))
    return await OperatorCommands.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);

RefuseDevDefaultsOutsideDevelopment.Check(builder.Configuration, builder.Environment);
InfrastructureSettings.ApplySeedVariables(builder.Configuration);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource(InfrastructureSettings.Database);
builder.AddRedisClient(InfrastructureSettings.Redis, settings => settings.DisableTracing = false,
    // Redis down must not stop the service: caches are bypassed, idempotency falls back to Postgres.
    options => options.AbortOnConnectFail = false);
builder.Services.AddSingleton<CacheEntries>();
builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka");
builder.Services.AddSingleton<KafkaHealthCheck>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddTransient<CorrelationHttpHandler>();
builder.Services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler<CorrelationHttpHandler>());
builder.Services.AddSingleton<CorrelationClientInterceptor>();

builder.Services.Configure<DevShopsOptions>(builder.Configuration.GetSection(DevShopsOptions.Section));
builder.Services.AddHostedService<SeedDevShops>();

builder.Services.AddMemoryCache();
builder.Services.AddSingleton<ValidateCallerToken>();
builder.Services.AddSingleton<CoreCustomers>();
builder.Services.AddSingleton<ShopDirectory>();
builder.Services.AddSingleton<ReferralsMetrics>();
builder.AddServiceMeter(ReferralsMetrics.MeterName);
builder.Services.AddGrpcClient<AuthService.AuthServiceClient>(options =>
        options.Address = new Uri(InfrastructureSettings.RequiredAddress(builder.Configuration, InfrastructureSettings.AuthAddressKey)))
    .AddInterceptor<CorrelationClientInterceptor>();
builder.Services.AddGrpcClient<CoreService.CoreServiceClient>(options =>
        options.Address = new Uri(InfrastructureSettings.RequiredAddress(builder.Configuration, InfrastructureSettings.CoreAddressKey)))
    .AddInterceptor<CorrelationClientInterceptor>();

builder.AddReferralsMessaging();
builder.AddShopRowLevelSecurity();
builder.AddIdempotency();
builder.AddTranslations();
builder.AddLinks();
builder.AddConversions();
builder.AddStatus();
builder.AddTiers();
builder.AddPurge();
builder.AddDeadLetters();
builder.AddReplay();
builder.Services.AddGrpc(options => options.Interceptors.Add<AuthenticateCaller>());
builder.Services.AddGrpcHealthChecks();
builder.Services.AddGrpcReflection();
builder.Services.AddFastEndpoints();

var app = builder.Build();

app.UseMiddleware<CorrelationMiddleware>();
app.MapConversions();
app.MapGrpcService<ReferralsGrpcService>();
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

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the tests' host.</summary>
public partial class Program;
