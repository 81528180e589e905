// DEVELOPMENT/TEST ONLY. gRPC stub of the Core team's CoreService (core.v1), for F5 and integration tests.
// Deterministic data (see CoreStubService.cs and README.md) and fault injection:
//   DevCore:FailMode = <gRPC status name>  -> every call fails with it until POST /control/reset;
//   on the Control endpoint (HTTP/1.1):
//     POST /control/fail?count=N&status=Unavailable  -> the next N calls fail (count=-1: until reset; defaults -1, Unavailable)
//                       &delay_ms=M                  -> ... each after M ms (default 0)
//     POST /control/reset                            -> healthy again, counters zeroed
//     POST /control/lag?shopify_customer_id=N        -> Shopify customer N is NOT_FOUND (their record lags) ...
//     POST /control/known?shopify_customer_id=N      -> ... until this (or a reset)
//     GET  /control                                  -> {"fail_status","fail_remaining","calls_total","calls_failed"}
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Referrals.DevStubs.Core;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // appsettings.json is found whatever directory `dotnet run --project` is called from.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(options =>
{
    options.SingleLine = true;
    options.TimestampFormat = "HH:mm:ss ";
});

var faults = FaultSwitch.FromFailMode(builder.Configuration["DevCore:FailMode"]);
builder.Services.AddSingleton(faults);
var lagging = new LaggingCustomers();
builder.Services.AddSingleton(lagging);
builder.Services.AddGrpc();
builder.Services.AddGrpcReflection();
builder.Services.ConfigureHttpJsonOptions(options =>
    options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);

var app = builder.Build();
app.MapGrpcService<CoreStubService>();
app.MapGrpcReflectionService();

var control = app.MapGroup("/control");
control.MapGet("/", () => faults.State());
control.MapPost("/reset", () =>
{
    lagging.Reset();
    return faults.Reset();
});
control.MapPost("/lag", ([FromQuery(Name = "shopify_customer_id")] long shopifyCustomerId) =>
{
    lagging.Lag(shopifyCustomerId);
    return Results.NoContent();
});
control.MapPost("/known", ([FromQuery(Name = "shopify_customer_id")] long shopifyCustomerId) =>
{
    lagging.Know(shopifyCustomerId);
    return Results.NoContent();
});
control.MapPost("/fail", (int? count, string? status, [FromQuery(Name = "delay_ms")] int? delayMs) =>
{
    if (!FaultSwitch.TryParseStatus(status ?? "Unavailable", out var code))
    {
        return Results.BadRequest(new { error = $"status '{status}' is not a gRPC status name other than OK" });
    }

    var times = count ?? FaultSwitch.UntilReset;
    if (times is not FaultSwitch.UntilReset and < 1)
    {
        return Results.BadRequest(new { error = "count must be -1 (until reset) or at least 1" });
    }

    return Results.Ok(faults.Fail(code, times, TimeSpan.FromMilliseconds(Math.Max(0, delayMs ?? 0))));
});

app.Logger.LogWarning("Referrals.DevStubs.Core is a DEVELOPMENT/TEST stub of core.v1.CoreService with fixed dev data.");
if (faults.State().FailStatus is { } failing)
{
    app.Logger.LogWarning("DevCore:FailMode is set: every call fails with {Status} until POST /control/reset.", failing);
}

await app.RunAsync();
