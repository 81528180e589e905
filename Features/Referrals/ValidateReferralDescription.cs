using Referrals.Service.Storage;

namespace Referrals.Service.Features.Referrals;

/// <summary>
/// The seed's `trg_validate_description`, as a real trigger: a referral row may only be written when its
/// description (the key of its status) is translated in every supported locale. It lives in the database
/// so that no code path — a handler, a migration, a psql session — can write a referral without one. Created by `migrate`.
/// </summary>
public static class ValidateReferralDescription
{
    private const string Schema = DocumentStorage.Schema;

    public const string Sql = $"""
        create or replace function {Schema}.validate_referral_description() returns trigger language plpgsql as $$
        declare
          -- The document's enum may be stored as InProgress or in_progress: both name the key referral.status.in_progress.
          description_key text := 'referral.status.' || lower(regexp_replace(new.data ->> 'status', '([a-z0-9])([A-Z])', '\1_\2', 'g'));
        begin
          if (select count(distinct t.locale) from {Schema}.mt_doc_translation t
              where t.key = description_key and t.locale in ('en', 'ar', 'he')) < 3 then
            raise exception 'referral description % is not translated in every supported locale (en, ar, he)', description_key
              using errcode = 'check_violation';
          end if;
          return new;
        end
        $$;
        drop trigger if exists trg_validate_description on {Schema}.mt_doc_referral;
        create trigger trg_validate_description before insert or update on {Schema}.mt_doc_referral
          for each row execute function {Schema}.validate_referral_description();
        """;
}
