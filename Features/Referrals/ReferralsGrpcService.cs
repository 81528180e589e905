using Microsoft.AspNetCore.Authorization;
using Referrals.Contracts.V1;
using Wolverine;

namespace Referrals.Service.Features;

/// <summary>
/// referrals.v1.ReferralsService. Each slice adds its methods in its own part of this class; every method names its
/// access policy (README, "Who may call what"), guards its input, invokes the slice's handler for the shop, and maps
/// the answer. A method without a policy still needs a valid token.
/// </summary>
[Authorize]
public sealed partial class ReferralsGrpcService(IMessageBus bus) : ReferralsService.ReferralsServiceBase;
