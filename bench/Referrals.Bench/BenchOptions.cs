using System.Globalization;

namespace Referrals.Bench;

/// <summary>--name value pairs, with the local stack's fixed ports as defaults.</summary>
public sealed class BenchOptions(Dictionary<string, string> values)
{
    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
            values[args[i].TrimStart('-')] = args[i + 1];
        return new BenchOptions(values);
    }

    public string Text(string name, string fallback) => values.GetValueOrDefault(name, fallback);

    public int Number(string name, int fallback) =>
        values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public Uri Http => new(Text("http", "http://127.0.0.1:8080"));
    public Uri Grpc => new(Text("grpc", "http://127.0.0.1:50060"));
    public string Kafka => Text("kafka", "127.0.0.1:9092");
}
