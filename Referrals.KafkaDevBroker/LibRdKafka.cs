using System.Reflection;
using System.Runtime.InteropServices;

namespace Referrals.KafkaDevBroker;

/// <summary>P/Invoke surface of librdkafka (and its mock cluster API, see rdkafka_mock.h) used by the dev broker.</summary>
internal static partial class LibRdKafka
{
    private const string Library = "librdkafka";

    public const int ProducerType = 0;
    public const int ConfOk = 0;

    static LibRdKafka() => NativeLibrary.SetDllImportResolver(typeof(LibRdKafka).Assembly, Resolve);

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_new")]
    public static partial nint ConfNew();

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_destroy")]
    public static partial void ConfDestroy(nint conf);

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ConfSet(nint conf, string name, string value, [Out] byte[] errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_new")]
    public static partial nint New(int type, nint conf, [Out] byte[] errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_destroy")]
    public static partial void Destroy(nint rk);

    [LibraryImport(Library, EntryPoint = "rd_kafka_err2str")]
    private static partial nint Err2StrNative(int err);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_new")]
    public static partial nint MockClusterNew(nint rk, int brokerCount);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    public static partial void MockClusterDestroy(nint mcluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    private static partial nint MockClusterBootstrapsNative(nint mcluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MockTopicCreate(nint mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_down")]
    public static partial int MockBrokerSetDown(nint mcluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_up")]
    public static partial int MockBrokerSetUp(nint mcluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_host_port", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void MockBrokerSetHostPort(nint mcluster, int brokerId, string host, int port);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    public static partial void MockPushRequestErrorsArray(nint mcluster, short apiKey, nuint count, int[] errors);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_clear_request_errors")]
    public static partial void MockClearRequestErrors(nint mcluster, short apiKey);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_group_initial_rebalance_delay_ms")]
    public static partial void MockGroupInitialRebalanceDelayMs(nint mcluster, int delayMs);

    public static string Err2Str(int err) => Marshal.PtrToStringUTF8(Err2StrNative(err)) ?? $"error {err}";

    public static string MockClusterBootstraps(nint mcluster) =>
        Marshal.PtrToStringUTF8(MockClusterBootstrapsNative(mcluster)) ?? string.Empty;

    /// <summary>
    /// The default librdkafka.so in librdkafka.redist links libsasl2.so.3, which some distros (Debian 12) lack;
    /// the centos8 build beside it has no such dependency and exports the same mock API, so try both.
    /// </summary>
    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != Library)
        {
            return nint.Zero;
        }

        foreach (var candidate in CandidatePaths())
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle))
            {
                return handle;
            }
        }

        return NativeLibrary.TryLoad(libraryName, assembly, searchPath, out var fallback) ? fallback : nint.Zero;
    }

    private static IEnumerable<string> CandidatePaths()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var (os, files) =
            OperatingSystem.IsWindows() ? ("win", new[] { "librdkafka.dll" })
            : OperatingSystem.IsMacOS() ? ("osx", new[] { "librdkafka.dylib" })
            : ("linux", new[] { "librdkafka.so", "centos8-librdkafka.so", "alpine-librdkafka.so" });

        var nativeDir = Path.Combine(AppContext.BaseDirectory, "runtimes", $"{os}-{arch}", "native");
        foreach (var dir in new[] { nativeDir, AppContext.BaseDirectory })
        {
            foreach (var file in files)
            {
                yield return Path.Combine(dir, file);
            }
        }
    }
}
