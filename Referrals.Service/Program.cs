using Referrals.Service.Infrastructure;
using Referrals.Service.Tenancy;

var builder = WebApplication.CreateBuilder(args);

RefuseDevDefaultsOutsideDevelopment.Check(builder.Configuration, builder.Environment);
InfrastructureSettings.ApplySeedVariables(builder.Configuration);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource(InfrastructureSettings.Database);
builder.AddRedisClient(InfrastructureSettings.Redis, settings => settings.DisableTracing = false,
    // Redis down must not stop the service: caches are bypassed, idempotency falls back to Postgres.
    options => options.AbortOnConnectFail = false);
builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka");
builder.Services.AddSingleton<KafkaHealthCheck>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddTransient<CorrelationHttpHandler>();
builder.Services.AddSingleton<CorrelationClientInterceptor>();

builder.Services.Configure<DevShopsOptions>(builder.Configuration.GetSection(DevShopsOptions.Section));
builder.Services.AddHostedService<SeedDevShops>();

builder.AddReferralsMessaging();
builder.Services.AddGrpc();
builder.Services.AddGrpcHealthChecks();
builder.Services.AddGrpcReflection();

var app = builder.Build();

app.UseMiddleware<CorrelationMiddleware>();
app.MapGrpcHealthChecksService();
app.MapGrpcReflectionService();
app.MapDefaultEndpoints();

await app.RunAsync();

/// <summary>Entry point, visible to the tests' host.</summary>
public partial class Program;
