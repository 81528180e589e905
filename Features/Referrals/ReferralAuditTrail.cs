using Marten;
using Referrals.Service.Storage;

namespace Referrals.Service.Features.Referrals;

/// <summary>
/// The audit trail of referral status changes: `referrals.referral_audit` (shop, referral, from → to, reason,
/// correlation_id, time; ids only, no PII), written by a PostgreSQL trigger on Marten's referral table. A trigger,
/// not application code, so that no code path (another slice, a migration, a hand-written fix) changes a status
/// without leaving its entry. A tenant table under the shop policy, like the referrals it follows (the trigger runs as
/// the writer, for the writer's shop). Created by `migrate`, after Marten's schema.
/// </summary>
public static class ReferralAuditTrail
{
    public const string TableName = "referral_audit";
    public const string Table = $"{DocumentStorage.Schema}.{TableName}";

    public const string Ddl = $"""
        create table if not exists {Table} (
            id bigserial primary key,
            tenant_id varchar not null,
            referral_id uuid not null,
            from_status text null,
            to_status text not null,
            reason text null,
            correlation_id text null,
            changed_at timestamptz not null
        );
        create index if not exists idx_referral_audit_tenant_id on {Table} (tenant_id);
        create index if not exists idx_referral_audit_referral_id on {Table} (referral_id);

        create or replace function {DocumentStorage.Schema}.audit_referral_status() returns trigger
        language plpgsql as $audit$
        begin
            if tg_op = 'INSERT' or (old.data ->> 'status') is distinct from (new.data ->> 'status') then
                insert into {Table} (tenant_id, referral_id, from_status, to_status, reason, correlation_id, changed_at)
                values (new.tenant_id, new.id,
                        case when tg_op = 'UPDATE' then old.data ->> 'status' end,
                        new.data ->> 'status', new.data ->> 'status_reason', new.data ->> 'correlation_id',
                        coalesce((new.data ->> 'updated_at')::timestamptz, now()));
            end if;
            return null;
        end
        $audit$;

        create or replace trigger trg_referral_audit
            after insert or update on {DocumentStorage.Schema}.mt_doc_referral
            for each row execute function {DocumentStorage.Schema}.audit_referral_status();
        """;

    /// <summary>Queues the deletion of a shop's audit entries in the session's transaction.</summary>
    public static void EraseShop(IDocumentSession db, Guid shopId) =>
        db.QueueSqlCommand($"delete from {Table} where tenant_id = ?", shopId.ToString());
}
