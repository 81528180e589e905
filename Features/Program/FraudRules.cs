namespace Referrals.Service.Features.Program;

/// <summary>The fraud rules of a shop's program. <see cref="None"/>: every rule off.</summary>
public sealed record FraudRules
{
    public static readonly FraudRules None = new();
}
