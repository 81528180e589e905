using Referrals.Service.Features.Referrals;

namespace Referrals.Service.Features.Translations;

/// <summary>
/// Every message the service emits, in en, ar and he: the status descriptions (GetReferralStatus,
/// referral.completed) and the texts of referral.task's task types. Placeholders such as {customer} are
/// filled by whoever sends the text, never stored filled in (no PII).
/// </summary>
public static class SeededMessages
{
    public static readonly IReadOnlyList<(string Key, string Locale, string Value)> All =
    [
        (LocalizedMessages.StatusKey("queued"), "en", "Referral queued"),
        (LocalizedMessages.StatusKey("queued"), "ar", "الإحالة في قائمة الانتظار"),
        (LocalizedMessages.StatusKey("queued"), "he", "ההפניה ממתינה בתור"),
        (LocalizedMessages.StatusKey("pending"), "en", "Referral pending"),
        (LocalizedMessages.StatusKey("pending"), "ar", "الإحالة معلقة"),
        (LocalizedMessages.StatusKey("pending"), "he", "ההפניה ממתינה"),
        (LocalizedMessages.StatusKey("in_progress"), "en", "Referral in progress"),
        (LocalizedMessages.StatusKey("in_progress"), "ar", "الإحالة قيد المعالجة"),
        (LocalizedMessages.StatusKey("in_progress"), "he", "ההפניה בטיפול"),
        (LocalizedMessages.StatusKey("completed"), "en", "Referral completed"),
        (LocalizedMessages.StatusKey("completed"), "ar", "اكتملت الإحالة"),
        (LocalizedMessages.StatusKey("completed"), "he", "ההפניה הושלמה"),
        (LocalizedMessages.StatusKey("rewarded"), "en", "Referral rewarded"),
        (LocalizedMessages.StatusKey("rewarded"), "ar", "تمت مكافأة الإحالة"),
        (LocalizedMessages.StatusKey("rewarded"), "he", "ההפניה זיכתה בתגמול"),
        (LocalizedMessages.StatusKey("failed"), "en", "Referral failed"),
        (LocalizedMessages.StatusKey("failed"), "ar", "فشلت الإحالة"),
        (LocalizedMessages.StatusKey("failed"), "he", "ההפניה נכשלה"),
        (LocalizedMessages.StatusKey("cancelled"), "en", "Referral cancelled"),
        (LocalizedMessages.StatusKey("cancelled"), "ar", "أُلغيت الإحالة"),
        (LocalizedMessages.StatusKey("cancelled"), "he", "ההפניה בוטלה"),
        (ReferralTask.Invite, "en", "{customer} invited you to shop with this referral link"),
        (ReferralTask.Invite, "ar", "دعاك {customer} إلى التسوق عبر رابط الإحالة هذا"),
        (ReferralTask.Invite, "he", "{customer} הזמין אותך לקנות דרך קישור ההפניה הזה"),
        (ReferralTask.ThankYou, "en", "Thank you, {customer}! Your referral was completed"),
        (ReferralTask.ThankYou, "ar", "شكرًا لك يا {customer}! اكتملت إحالتك"),
        (ReferralTask.ThankYou, "he", "תודה, {customer}! ההפניה שלך הושלמה"),
    ];
}
