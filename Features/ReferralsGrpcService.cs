using Referrals.Contracts.V1;
using Referrals.Service.Infrastructure;
using Wolverine;

namespace Referrals.Service.Features;

/// <summary>referrals.v1.ReferralsService; each slice adds its methods in its own part of this class.</summary>
public sealed partial class ReferralsGrpcService(IMessageBus bus, CoreCustomers customers) : ReferralsService.ReferralsServiceBase;
