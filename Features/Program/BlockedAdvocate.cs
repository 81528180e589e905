namespace Referrals.Service.Features.Program;

/// <summary>An advocate (customer_id = id) the shop blocked: their conversions are rejected (advocate_blocked). Multi-tenanted by shop.</summary>
public sealed record BlockedAdvocate(Guid Id, DateTimeOffset BlockedAt);
