using Referrals.Service.Features.Conversions;
using Referrals.Service.Features.DeadLetters;
using Referrals.Service.Features.StatusReads;
using Referrals.Service.Features.Purge;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Features.Replay;
using Referrals.Service.Features.Tiers;
using Referrals.Service.Features.Translations;
using Referrals.Service.Platform;
using Referrals.Service.Operator;

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
builder.AddDeadLetters();
builder.AddReplay();

var app = builder.Build();

app.MapReferralsPlatform();
app.MapReferrals();

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the tests' host.</summary>
public partial class Program;
