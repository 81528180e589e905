using System.Net;

namespace Referrals.KafkaDevBroker;

internal sealed record TopicInfo(string Name, int Partitions);

/// <summary>The mock cluster (one broker) behind the fixed-port relay, plus the state the control surface reports.</summary>
internal sealed class DevBroker : IAsyncDisposable
{
    public const int BrokerId = 1;
    private const string Host = "127.0.0.1";

    private readonly MockCluster cluster;
    private readonly TcpRelay relay;
    private readonly Lock gate = new();
    private readonly HashSet<short> apiKeysWithErrors = [];

    private DevBroker(MockCluster cluster, TcpRelay relay, IReadOnlyList<TopicInfo> topics)
    {
        this.cluster = cluster;
        this.relay = relay;
        Topics = topics;
    }

    public IReadOnlyList<TopicInfo> Topics { get; }

    public string Bootstrap => $"{Host}:{relay.Port}";

    public bool BrokerUp { get; private set; } = true;

    public static DevBroker Start(BrokerOptions options)
    {
        var cluster = MockCluster.Create(brokerCount: 1);
        try
        {
            // Dev compose files usually set Kafka's group.initial.rebalance.delay.ms to 0 too: consumers join at once.
            cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);

            var topics = options.Topics.Select(name => new TopicInfo(name, options.Partitions)).ToArray();
            foreach (var topic in topics)
            {
                cluster.CreateTopic(topic.Name, topic.Partitions);
            }

            var relay = TcpRelay.Start(new IPEndPoint(IPAddress.Loopback, options.Port), cluster.BrokerEndpoint(BrokerId));
            // Metadata must point clients back at the relay, not at the broker's random port.
            cluster.SetAdvertisedAddress(BrokerId, Host, relay.Port);
            return new DevBroker(cluster, relay, topics);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    public void SetBrokerUp(bool up)
    {
        lock (gate)
        {
            if (up)
            {
                cluster.SetBrokerUp(BrokerId);
                relay.Resume();
            }
            else
            {
                relay.Pause();
                cluster.SetBrokerDown(BrokerId);
            }

            BrokerUp = up;
        }
    }

    public void PushRequestErrors(short apiKey, int[] errors)
    {
        lock (gate)
        {
            cluster.PushRequestErrors(apiKey, errors);
            apiKeysWithErrors.Add(apiKey);
        }
    }

    /// <summary>Clears queued errors for one ApiKey, or for every ApiKey errors were pushed for when null.</summary>
    public short[] ClearRequestErrors(short? apiKey)
    {
        lock (gate)
        {
            var keys = apiKey is { } key ? [key] : apiKeysWithErrors.Order().ToArray();
            foreach (var k in keys)
            {
                cluster.ClearRequestErrors(k);
                apiKeysWithErrors.Remove(k);
            }

            return keys;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await relay.DisposeAsync().ConfigureAwait(false);
        cluster.Dispose();
    }
}
