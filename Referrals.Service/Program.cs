using Referrals.Service.Features;
using Referrals.Service.Platform;
using Referrals.Service.Operator;

if (OperatorCommands.Handles(args))
    return await OperatorCommands.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);

builder.AddReferralsPlatform();
builder.AddSlices();

var app = builder.Build();

app.MapReferralsPlatform();
app.MapSlices();

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the tests' host.</summary>
public partial class Program;
