using System.Diagnostics.Metrics;

namespace Referrals.Service.Webhooks;

/// <summary>`referrals_webhooks_ignored_total{reason}`: signed webhooks answered 200 on purpose without acting on them.</summary>
public sealed class WebhookMetrics(IMeterFactory meters)
{
    public const string MeterName = "Referrals.Webhooks";

    private readonly Counter<long> _ignored = meters.Create(MeterName).CreateCounter<long>("referrals_webhooks_ignored",
        description: "Verified webhooks answered 200 and ignored, by reason (inactive_shop)");

    public void Ignored(string reason) => _ignored.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
