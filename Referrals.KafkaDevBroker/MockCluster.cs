using System.Net;

namespace Referrals.KafkaDevBroker;

/// <summary>
/// librdkafka's in-process mock Kafka cluster: real wire protocol, in-memory storage.
/// Development/test only — never production.
/// </summary>
internal sealed class MockCluster : IDisposable
{
    private const int ErrStrSize = 512;

    private readonly nint handle;
    private nint cluster;

    private MockCluster(nint handle, nint cluster)
    {
        this.handle = handle;
        this.cluster = cluster;
        Bootstraps = LibRdKafka.MockClusterBootstraps(cluster);
    }

    /// <summary>The brokers' real (random-port) listeners, as "host:port,host:port".</summary>
    public string Bootstraps { get; }

    public static MockCluster Create(int brokerCount)
    {
        // The mock cluster needs an rd_kafka_t for bookkeeping only; it never connects anywhere itself.
        var conf = LibRdKafka.ConfNew();
        var errstr = new byte[ErrStrSize];
        // Hides the "no bootstrap.servers configured" notice of that bookkeeping handle.
        if (LibRdKafka.ConfSet(conf, "log_level", "4", errstr, ErrStrSize) != LibRdKafka.ConfOk)
        {
            LibRdKafka.ConfDestroy(conf);
            throw new InvalidOperationException($"rd_kafka_conf_set failed: {Text(errstr)}");
        }

        var handle = LibRdKafka.New(LibRdKafka.ProducerType, conf, errstr, ErrStrSize);
        if (handle == nint.Zero)
        {
            LibRdKafka.ConfDestroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {Text(errstr)}");
        }

        var cluster = LibRdKafka.MockClusterNew(handle, brokerCount);
        if (cluster == nint.Zero)
        {
            LibRdKafka.Destroy(handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        return new MockCluster(handle, cluster);
    }

    /// <summary>The real listener of broker <paramref name="brokerId"/> (ids start at 1).</summary>
    public IPEndPoint BrokerEndpoint(int brokerId)
    {
        var entries = Bootstraps.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (brokerId < 1 || brokerId > entries.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(brokerId), brokerId, $"No broker {brokerId} in '{Bootstraps}'.");
        }

        var entry = entries[brokerId - 1];
        var colon = entry.LastIndexOf(':');
        var host = entry[..colon];
        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host.Trim('[', ']'));
        return new IPEndPoint(address, int.Parse(entry[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public void CreateTopic(string topic, int partitions, int replicationFactor = 1) =>
        Check(LibRdKafka.MockTopicCreate(Cluster, topic, partitions, replicationFactor), $"create topic '{topic}'");

    public void SetBrokerDown(int brokerId) => Check(LibRdKafka.MockBrokerSetDown(Cluster, brokerId), $"set broker {brokerId} down");

    public void SetBrokerUp(int brokerId) => Check(LibRdKafka.MockBrokerSetUp(Cluster, brokerId), $"set broker {brokerId} up");

    /// <summary>Changes only the address reported in Metadata/FindCoordinator responses, not where the broker listens.</summary>
    public void SetAdvertisedAddress(int brokerId, string host, int port) =>
        LibRdKafka.MockBrokerSetHostPort(Cluster, brokerId, host, port);

    /// <summary>The next <c>errors.Length</c> requests with <paramref name="apiKey"/> fail with these codes, in order.</summary>
    public void PushRequestErrors(short apiKey, int[] errors) =>
        LibRdKafka.MockPushRequestErrorsArray(Cluster, apiKey, (nuint)errors.Length, errors);

    public void ClearRequestErrors(short apiKey) => LibRdKafka.MockClearRequestErrors(Cluster, apiKey);

    public void SetGroupInitialRebalanceDelay(TimeSpan delay) =>
        LibRdKafka.MockGroupInitialRebalanceDelayMs(Cluster, (int)delay.TotalMilliseconds);

    public void Dispose()
    {
        if (cluster == nint.Zero)
        {
            return;
        }

        LibRdKafka.MockClusterDestroy(cluster);
        LibRdKafka.Destroy(handle);
        cluster = nint.Zero;
    }

    private nint Cluster => cluster != nint.Zero ? cluster : throw new ObjectDisposedException(nameof(MockCluster));

    private static void Check(int err, string what)
    {
        if (err != 0)
        {
            throw new InvalidOperationException($"Mock cluster could not {what}: {LibRdKafka.Err2Str(err)} ({err}).");
        }
    }

    private static string Text(byte[] errstr) => System.Text.Encoding.UTF8.GetString(errstr).TrimEnd('\0');
}
