extern alias service;

using service::Referrals.Service.Features.Referrals;
using Wolverine;
using Wolverine.Marten;
using service::Referrals.Service.Correlation;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>Reading what a pure decider returned: the documents it stores and the messages it sends.</summary>
public static class Decisions
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    public static readonly Guid ShopId = Guid.Parse("5f0c6a8e-0000-4000-8000-000000000001");

    public static TimeProvider Clock { get; } = new FixedClock(Now);

    public static Envelope Envelope(string correlationId = "corr-under-test") => new() { CorrelationId = correlationId };

    public static ReferralChangeContext Context(string correlationId = "corr-under-test") => new(ShopId, Now, correlationId, 90);

    public static T? Stored<T>(this IMartenOp op) where T : class => op switch
    {
        StoreDoc<T> store => (T)store.Document,
        InsertDoc<T> insert => (T)insert.Document,
        BothOps both => both.First.Stored<T>() ?? both.Second.Stored<T>(),
        _ => null,
    };

    public static IReadOnlyList<T> StoredMany<T>(this IMartenOp op) where T : class => op switch
    {
        StoreManyDocs<T> many => [.. many.Documents.Cast<T>()],
        _ => [],
    };

    public static IReadOnlyList<T> Sent<T>(this OutgoingMessages messages) =>
        [.. messages.Select(m => m is DeliveryMessage<T> delivery ? delivery.Message : m).OfType<T>()];

    public static IReadOnlyList<DeliveryOptions> OptionsOf<T>(this OutgoingMessages messages) =>
        [.. messages.OfType<DeliveryMessage<T>>().Select(d => d.Options)];

    public static Referral Referral(ReferralStatus status = ReferralStatus.Pending, Guid? customerId = null, string locale = "en",
        DateTimeOffset? completedAt = null, string? bonusTierId = null) =>
        new(Guid.NewGuid(), customerId ?? Guid.NewGuid(), "Ab12Cd34Ef56", status, locale, "req-1", "1.0.0", Now.AddDays(-1), Now.AddDays(-1))
        {
            CompletedAt = completedAt,
            BonusTierId = bonusTierId,
        };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
