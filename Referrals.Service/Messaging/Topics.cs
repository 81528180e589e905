using Referrals.Service.Caching;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Features.Tiers;
namespace Referrals.Service.Messaging;

/// <summary>The seed's Kafka topics. Message key = shop_id everywhere, for per-shop ordering.</summary>
public static class Topics
{
    public const string ReferralCompleted = "referral.completed";
    public const string ReferralTask = "referral.task";
    public const string CacheInvalidate = "cache.invalidate";
    public const string VipTierAssigned = "vip_tier.assigned";
    public const string DeadLetters = "referrals.dlq";
    public const string Replay = "referrals.replay";
    public const string AuditLog = "audit_log";
    public const string ReferralQualified = "referral.qualified";
    public const string ReferralReversed = "referral.reversed";
    public const string ReferralMilestoneReached = "referral.milestone_reached";

    public static readonly IReadOnlyList<string> All =
        [ReferralCompleted, ReferralTask, CacheInvalidate, VipTierAssigned, DeadLetters, Replay, AuditLog, ReferralQualified, ReferralReversed,
        ReferralMilestoneReached];
}
