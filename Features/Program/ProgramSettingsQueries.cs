using Marten;

namespace Referrals.Service.Features.Program;

public static class ProgramSettingsQueries
{
    /// <summary>The shop's program settings, or the defaults when the shop never set any. Run in a session of the shop.</summary>
    public static async Task<ProgramSettings> ForShopAsync(IQuerySession db, Guid shopId, CancellationToken ct) =>
        await db.LoadAsync<ProgramSettings>(shopId, ct) ?? ProgramSettings.Defaults(shopId);
}
