using Marten;
using Marten.Services.BatchQuerying;

namespace Referrals.Service.Features.Program;

public static class ProgramSettingsQueries
{
    /// <summary>The shop's program settings, or the defaults when the shop never set any. Run in a session of the shop.</summary>
    public static async Task<ProgramSettings> ForShopAsync(IQuerySession db, Guid shopId, CancellationToken ct) =>
        await db.LoadAsync<ProgramSettings>(shopId, ct) ?? ProgramSettings.Defaults(shopId);

    /// <summary>The same, read with the rest of a batch of the shop (one round trip for all of it).</summary>
    public static async Task<ProgramSettings> ForShop(IBatchedQuery batch, Guid shopId) =>
        await batch.Load<ProgramSettings>(shopId) ?? ProgramSettings.Defaults(shopId);
}
