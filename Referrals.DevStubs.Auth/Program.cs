// DEVELOPMENT/TEST ONLY. gRPC stub of the Auth team's AuthService (auth.v1), for F5 and integration tests.
// Not a security component: it trusts any HS256 token signed with the shared dev key.
//   serve:       dotnet run --project Referrals.DevStubs.Auth
//   mint token:  dotnet run --project Referrals.DevStubs.Auth -- mint-token --shop <uuid> --scope "<scopes>" [--sub <uuid>] [--ttl 3600] [--jti <id>]
using Referrals.DevStubs.Auth;

var isMint = args is [MintTokenCommand.Name, ..];
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    // The mint-token arguments are not configuration.
    Args = isMint ? [] : args,
    // appsettings.json is found whatever directory `dotnet run --project` is called from.
    ContentRootPath = AppContext.BaseDirectory,
});
var signingKey = builder.Configuration["DevAuth:SigningKey"] ?? DevTokens.DefaultSigningKey;

if (isMint)
{
    return MintTokenCommand.Run(args, signingKey);
}

builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(options =>
{
    options.SingleLine = true;
    options.TimestampFormat = "HH:mm:ss ";
});
builder.Services.AddSingleton(DevTokens.CreateSigningKey(signingKey));
builder.Services.AddGrpc();
builder.Services.AddGrpcReflection();

var app = builder.Build();
app.MapGrpcService<AuthStubService>();
app.MapGrpcReflectionService();

app.Logger.LogWarning("Referrals.DevStubs.Auth is a DEVELOPMENT/TEST stub of auth.v1.AuthService: it accepts any HS256 token signed with the dev key.");
await app.RunAsync();
return 0;
