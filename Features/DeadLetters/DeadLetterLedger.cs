using Marten;
using Marten.Patching;

namespace Referrals.Service.Features.DeadLetters;

/// <summary>Writes what referrals.dlq holds into the <see cref="DeadLetter"/> ledger; the same code for the service and the commands.</summary>
public static class DeadLetterLedger
{
    /// <summary>
    /// Creates the row of a new dead letter, or moves it to a newer record of the same dead letter (parked again);
    /// records already seen change nothing, so reading the topic twice is harmless.
    /// </summary>
    public static async Task<DeadLetter> RecordAsync(IDocumentStore store, DeadLetterRecord record, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var session = store.LightweightSession(DeadLetter.TenantOf(record.ShopId));
            var existing = await session.LoadAsync<DeadLetter>(record.Id, ct);
            if (existing is not null && (existing.Partition != record.Partition || existing.Offset >= record.Offset))
                return existing;

            if (existing is null)
            {
                session.Insert(record.ToLedger());
            }
            else
            {
                session.Patch<DeadLetter>(record.Id)
                    .Set(d => d.ErrorType, record.ErrorType)
                    .Set(d => d.ErrorMessage, record.ErrorMessage)
                    .Set(d => d.LastFailedAt, record.FailedAt)
                    .Set(d => d.Reprocessings, record.Reprocessings)
                    .Set(d => d.Offset, record.Offset);
            }

            try
            {
                await session.SaveChangesAsync(ct);
                return await LoadAsync(store, record.ShopId, record.Id, ct) ?? record.ToLedger();
            }
            catch (JasperFx.DocumentAlreadyExistsException) when (attempt < 3)
            {
                // another writer recorded it first: take its row and compare again
            }
        }
    }

    public static async Task<DeadLetter?> LoadAsync(IDocumentStore store, Guid? shopId, string id, CancellationToken ct)
    {
        await using var session = store.QuerySession(DeadLetter.TenantOf(shopId));
        return await session.LoadAsync<DeadLetter>(id, ct);
    }

    /// <summary>Notes, in one transaction, which record of each dead letter reprocess-dlq sent back (as the owner: across shops).</summary>
    public static async Task MarkSentAsync(IDocumentStore store, IReadOnlyList<(Guid? ShopId, string Id, long Offset)> sent, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        foreach (var (shopId, id, offset) in sent)
            session.ForTenant(DeadLetter.TenantOf(shopId)).Patch<DeadLetter>(id).Set(d => d.SentOffset, offset);
        await session.SaveChangesAsync(ct);
    }
}
