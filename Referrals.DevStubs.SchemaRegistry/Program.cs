// DEVELOPMENT/TEST ONLY. In-memory stand-in for Confluent's schema registry: the part of its REST API that
// Confluent.SchemaRegistry (the client library the service and other teams' producers use) calls.
//   POST /subjects/{s}/versions                       register; the same schema gets the same id; 409 if incompatible
//   POST /subjects/{s}                                the version of the subject that holds this schema (lookup)
//   GET  /subjects, /subjects/{s}/versions            what is registered
//   GET  /subjects/{s}/versions/{v|latest}            a version
//   GET  /schemas/ids/{id}                            a schema by its global id
//   POST /compatibility/subjects/{s}/versions/{v|latest}   {"is_compatible": ...}
//   GET|PUT /config, /config/{s}                      compatibility level (default SchemaRegistry:Compatibility, BACKWARD)
// Errors are Confluent's: {"error_code": N, "message": "..."}. Nothing is kept across a restart.
using System.Text.Json;
using Referrals.DevStubs.SchemaRegistry;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(options =>
{
    options.SingleLine = true;
    options.TimestampFormat = "HH:mm:ss ";
});
var store = new SchemaStore(builder.Configuration["SchemaRegistry:Compatibility"] ?? "BACKWARD");

var app = builder.Build();
app.Use(async (context, next) =>
{
    try
    {
        await next(context);
    }
    catch (RegistryException e)
    {
        await RegistryResults.Error(e.Status, e.ErrorCode, e.Message).ExecuteAsync(context);
    }
    catch (JsonException e)
    {
        await RegistryResults.Error(422, 42201, $"Invalid request body: {e.Message}").ExecuteAsync(context);
    }
});

app.MapGet("/subjects", () => RegistryResults.Json(store.Subjects()));
app.MapGet("/subjects/{subject}/versions", (string subject) => RegistryResults.Json(store.Versions(subject)));
app.MapPost("/subjects/{subject}/versions", async (string subject, HttpRequest request) =>
    RegistryResults.Json(RegistryResults.Registered(store.Register(subject, await RegistryResults.SchemaOf(request)))));
app.MapPost("/subjects/{subject}", async (string subject, HttpRequest request) =>
    RegistryResults.Json(RegistryResults.Version(store.Lookup(subject, await RegistryResults.SchemaOf(request)))));
app.MapGet("/subjects/{subject}/versions/{version}", (string subject, string version) =>
    RegistryResults.Json(RegistryResults.Version(store.Get(subject, version))));
app.MapGet("/schemas/ids/{id:int}", (int id) => RegistryResults.Json(new Dictionary<string, object> { ["schema"] = store.SchemaById(id) }));
app.MapPost("/compatibility/subjects/{subject}/versions/{version}", async (string subject, string version, HttpRequest request) =>
{
    var problems = store.Check(subject, version, await RegistryResults.SchemaOf(request));
    return RegistryResults.Json(new Dictionary<string, object> { ["is_compatible"] = problems.Count == 0, ["messages"] = problems });
});
app.MapGet("/config", () => RegistryResults.Json(new Dictionary<string, object> { ["compatibilityLevel"] = store.CompatibilityOf(null) }));
app.MapGet("/config/{subject}", (string subject) =>
    RegistryResults.Json(new Dictionary<string, object> { ["compatibilityLevel"] = store.CompatibilityOf(subject) }));
app.MapPut("/config", async (HttpRequest request) => RegistryResults.Json(new Dictionary<string, object>
{
    ["compatibility"] = store.SetCompatibility(null, await RegistryResults.CompatibilityOf(request)),
}));
app.MapPut("/config/{subject}", async (string subject, HttpRequest request) => RegistryResults.Json(new Dictionary<string, object>
{
    ["compatibility"] = store.SetCompatibility(subject, await RegistryResults.CompatibilityOf(request)),
}));
app.MapFallback((HttpContext context) =>
{
    // What a newer client asks that this stand-in does not answer: say so, so the gap is visible in the log.
    app.Logger.LogWarning("Not supported by the dev schema registry: {Method} {Path}", context.Request.Method, context.Request.Path);
    return RegistryResults.Error(404, 404, $"{context.Request.Method} {context.Request.Path} is not supported by the dev schema registry");
});

app.Logger.LogWarning("Referrals.DevStubs.SchemaRegistry is a DEVELOPMENT/TEST stand-in for Confluent's schema registry, in memory.");
await app.RunAsync();
