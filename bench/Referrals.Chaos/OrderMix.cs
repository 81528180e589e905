using System.Globalization;

namespace Referrals.Chaos;

public enum OrderKind
{
    /// <summary>One order through a link of its own: converts it.</summary>
    Fresh,
    /// <summary>One order through a link of its own, delivered twice at once under the same webhook id: converts it once.</summary>
    Resent,
    /// <summary>Two different orders through one link, sent at once: the link converts once.</summary>
    Paired,
    /// <summary>An order that names no referral: converts nothing.</summary>
    NoReferral,
}

/// <summary>One Shopify delivery: the webhook id and the order it carries (order ids are unique per order, not per delivery).</summary>
public sealed record Delivery(string WebhookId, long OrderId, int? Link, long Buyer, string CorrelationId);

/// <summary>What is sent together: one order (twice for <see cref="OrderKind.Resent"/>) or a pair of orders.</summary>
public sealed record SendUnit(OrderKind Kind, IReadOnlyList<Delivery> Deliveries);

/// <summary>
/// The orders of a run, decided before it starts from the size and the seed: 80 % fresh links, 10 % re-sent
/// concurrently with the same webhook id, 5 % pairs of different orders through one link, 5 % without a referral.
/// Link <c>n</c> belongs to the referrer <see cref="ReferrerOf"/>, and its buyers are someone else of the dev shop.
/// </summary>
public sealed record OrderMix(IReadOnlyList<SendUnit> Units, int Links)
{
    /// <summary>The Core stub's load customers, never a test's (DevCustomers.FirstLoadCustomerId).</summary>
    public const int Customers = 1000;

    public static long Customer(int index) => Referrals.DevStubs.Core.DevCustomers.FirstLoadCustomerId + index % Customers;

    public static long ReferrerOf(int link) => Customer(link);

    public static long BuyerOf(int link) => Customer(link + 1); // never the referrer

    public int Orders => Units.Sum(u => u.Kind == OrderKind.Resent ? 1 : u.Deliveries.Count);

    public IEnumerable<Delivery> Deliveries => Units.SelectMany(u => u.Deliveries);

    public static OrderMix Create(int orders, int seed, string runId)
    {
        var resent = orders / 10;
        var pairs = orders / 40; // 5 % of the orders, two per pair
        var noReferral = orders / 20;
        var fresh = orders - resent - 2 * pairs - noReferral;
        var kinds = Enumerable.Repeat(OrderKind.Fresh, fresh)
            .Concat(Enumerable.Repeat(OrderKind.Resent, resent))
            .Concat(Enumerable.Repeat(OrderKind.Paired, pairs))
            .Concat(Enumerable.Repeat(OrderKind.NoReferral, noReferral))
            .ToArray();
        new Random(seed).Shuffle(kinds);

        var firstOrderId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        var nextOrder = 0;
        var nextLink = 0;
        Delivery Order(int? link)
        {
            var index = nextOrder++;
            return new Delivery($"chaos-{runId}-{index.ToString(CultureInfo.InvariantCulture)}", firstOrderId + index, link,
                link is { } l ? BuyerOf(l) : Customer(index), $"chaos-{runId}-{index.ToString(CultureInfo.InvariantCulture)}");
        }

        var units = new List<SendUnit>(kinds.Length);
        foreach (var kind in kinds)
        {
            units.Add(kind switch
            {
                OrderKind.Fresh => new SendUnit(kind, [Order(nextLink++)]),
                OrderKind.Resent => Twice(Order(nextLink++)),
                OrderKind.Paired => Pair(nextLink++),
                _ => new SendUnit(kind, [Order(null)]),
            });
        }
        return new OrderMix(units, nextLink);

        SendUnit Twice(Delivery delivery) => new(OrderKind.Resent, [delivery, delivery]);
        SendUnit Pair(int link) => new(OrderKind.Paired, [Order(link), Order(link)]);
    }
}
