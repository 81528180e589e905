using Referrals.Service.Correlation;
namespace Referrals.Service.Features.Referrals;

/// <summary>
/// `referral.task` (wire contract, the seed's payload): a task for Event Tracking to send an SMS/email.
/// Links asks for an invite when a referral is created; Conversions asks for a thank-you.
/// </summary>
public sealed record ReferralTask(
    Guid EventId,
    Guid CustomerId,
    Guid ShopId,
    string TaskType,
    string Locale,
    DateTimeOffset CreatedAt,
    string CorrelationId)
{
    public const string EventType = "referral.task";
    public const string SchemaVersion = "1.0.0";
    public const string Invite = "referral.invite";
    public const string ThankYou = "referral.thank_you";
}
