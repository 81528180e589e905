using JasperFx;
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

// `codegen write|test|preview`: Wolverine's and Marten's generated code, written ahead for Static mode (README, "Start-up").
if (args is ["codegen", ..])
    return await app.RunJasperFxCommands(args);

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the tests' host.</summary>
public partial class Program;
