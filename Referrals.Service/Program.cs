using Referrals.Service.Features.Conversions;
using Referrals.Service.Features.Purge;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Features.Replay;
using Referrals.Service.Features.StatusReads;
using Referrals.Service.Features.Tiers;
using Referrals.Service.Features.Translations;
using Referrals.Service.Platform;

if (args is [CleanupTranslationsCommand.Name, ..])
    return await CleanupTranslationsCommand.RunAsync(args);
if (OperatorCommands.Handles(args))
    return await OperatorCommands.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);

builder.AddReferralsPlatform();
builder.AddTranslations(); // before Referrals: the description trigger reads the seeded texts
builder.AddReferrals();
builder.AddConversions();
builder.AddStatus();
builder.AddTiers();
builder.AddPurge();
builder.AddReplay();

var app = builder.Build();

app.MapReferralsPlatform();
app.MapReferrals();

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the tests' host.</summary>
public partial class Program;
