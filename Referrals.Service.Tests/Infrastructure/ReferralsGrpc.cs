using Grpc.Core;
using Grpc.Net.Client;
using Referrals.Contracts.V1;

namespace Referrals.Service.Tests.Infrastructure;

public static class ReferralsGrpc
{
    public static (ReferralsService.ReferralsServiceClient Client, GrpcChannel Channel) Client(this ReferralsApp app)
    {
        var channel = GrpcChannel.ForAddress(app.GrpcAddress);
        return (new ReferralsService.ReferralsServiceClient(channel), channel);
    }

    public static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };
}
