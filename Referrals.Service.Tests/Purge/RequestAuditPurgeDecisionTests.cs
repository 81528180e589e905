extern alias service;

using Grpc.Core;
using service::Referrals.Service.Features.Purge;
using static Referrals.Service.Tests.Infrastructure.Decisions;

namespace Referrals.Service.Tests.Purge;

[Trait("Tier", "Unit")]
public sealed class RequestAuditPurgeDecisionTests
{
    private static readonly RequestAuditPurge Request = new(ShopId, "merchant-token");

    [Fact]
    public void A_first_purge_is_recorded_running_and_queued_durably()
    {
        var (answer, op, messages) = RequestAuditPurgeHandler.Handle(Request, new PurgeFacts(null, null), Clock);

        answer.Accepted!.Status.ShouldBe("running");
        op.Stored<AuditPurge>()!.PurgeId.ShouldBe(answer.Accepted.PurgeId);
        messages.Sent<PurgeShopData>().ShouldHaveSingleItem().PurgeId.ShouldBe(answer.Accepted.PurgeId);
    }

    [Fact]
    public void Asking_again_while_a_purge_runs_answers_the_running_purge()
    {
        var running = new AuditPurge(ShopId, Guid.NewGuid(), PurgeState.Running, Now, null);

        var (answer, op, messages) = RequestAuditPurgeHandler.Handle(Request, new PurgeFacts(null, running), Clock);

        answer.Accepted!.PurgeId.ShouldBe(running.PurgeId);
        op.ShouldBeOfType<Wolverine.Marten.NoOp>();
        messages.ShouldBeEmpty();
    }

    [Fact]
    public void A_completed_purge_lets_a_new_one_start()
    {
        var done = new AuditPurge(ShopId, Guid.NewGuid(), PurgeState.Completed, Now.AddDays(-1), Now.AddDays(-1));

        var (answer, _, _) = RequestAuditPurgeHandler.Handle(Request, new PurgeFacts(null, done), Clock);

        answer.Accepted!.PurgeId.ShouldNotBe(done.PurgeId);
    }

    [Fact]
    public void A_refused_merchant_token_records_nothing()
    {
        var (answer, op, messages) = RequestAuditPurgeHandler.Handle(Request,
            new PurgeFacts(new Status(StatusCode.PermissionDenied, "another shop"), null), Clock);

        answer.Accepted.ShouldBeNull();
        answer.Refusal!.Value.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        op.ShouldBeOfType<Wolverine.Marten.NoOp>();
        messages.ShouldBeEmpty();
    }
}
