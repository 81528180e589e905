namespace Referrals.Service.Features.Referrals;

/// <summary>The bonus a referrer's VIP tier earns on a referral; what `referral.completed` carries (Tiers decides it).</summary>
public sealed record ReferralBonus(string TierId, double Multiplier, int BonusPoints);
