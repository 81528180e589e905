namespace Referrals.Service.Features.DeadLetters;

/// <summary>
/// An exception that names its failure in the words of <c>referrals_errors_total{error_type}</c> (e.g. a
/// <c>vip_tier.assigned</c> naming an unknown tier). Its dead letter carries the name in <c>dlq_reason</c> and is
/// counted under it; any other exception is counted as <see cref="DeadLetterHeaders.DeadLettered"/>.
/// </summary>
public interface IHasErrorType
{
    string ErrorType { get; }
}
