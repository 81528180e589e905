using Referrals.Service.Features.Conversions;
using Referrals.Service.Features.DeadLetters;
using Referrals.Service.Features.Funnel;
using Referrals.Service.Features.Program;
using Referrals.Service.Features.Purge;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Features.Replay;
using Referrals.Service.Features.Reversals;
using Referrals.Service.Features.StatusReads;
using Referrals.Service.Features.Tiers;
using Referrals.Service.Features.Translations;

namespace Referrals.Service.Features;

/// <summary>
/// Every slice, once: the service registers them to run, and `migrate` registers the same to know every document and
/// database object they declare.
/// </summary>
public static class Slices
{
    public static WebApplicationBuilder AddSlices(this WebApplicationBuilder builder)
    {
        builder.AddTranslations(); // before Referrals: the description trigger reads the seeded texts
        builder.AddReferrals();
        builder.AddProgram();
        builder.AddConversions();
        builder.AddReversals();
        builder.AddFunnel();
        builder.AddStatus();
        builder.AddTiers();
        builder.AddPurge();
        builder.AddDeadLetters();
        builder.AddReplay();
        return builder;
    }

    /// <summary>What the slices serve beyond their REST routes (FastEndpoints finds those): the gRPC service.</summary>
    public static WebApplication MapSlices(this WebApplication app)
    {
        app.MapReferrals();
        return app;
    }
}
