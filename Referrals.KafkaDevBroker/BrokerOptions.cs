using System.Globalization;

namespace Referrals.KafkaDevBroker;

/// <summary>Command line (wins) and KAFKA_DEV_BROKER_* environment settings.</summary>
internal sealed record BrokerOptions(int Port, int ControlPort, int Partitions, IReadOnlyList<string> Topics)
{
    public const string Usage = """
        Usage: Referrals.KafkaDevBroker [--port 9092] [--control-port 9093] [--partitions 6] [--topics a,b,c]
          --port          Kafka bootstrap port on 127.0.0.1 (env KAFKA_DEV_BROKER_PORT, default 9092, 0 = any free port)
          --control-port  HTTP control port on 127.0.0.1 (env KAFKA_DEV_BROKER_CONTROL_PORT, default 9093, 0 = any free port)
          --partitions    partitions per topic (env KAFKA_DEV_BROKER_PARTITIONS, default 6)
          --topics        comma-separated topics to create (env KAFKA_DEV_BROKER_TOPICS,
                          default referral.completed,referral.task,cache.invalidate,vip_tier.assigned,referrals.dlq,referrals.replay,audit_log,
                          referral.qualified,referral.reversed,referral.milestone_reached)
        """;

    private const int MaxPartitions = 1000;

    private static readonly string[] DefaultTopics =
        ["referral.completed", "referral.task", "cache.invalidate", "vip_tier.assigned", "referrals.dlq", "referrals.replay", "audit_log",
            "referral.qualified", "referral.reversed", "referral.milestone_reached"];

    private static readonly Dictionary<string, string> EnvironmentNames = new()
    {
        ["port"] = "KAFKA_DEV_BROKER_PORT",
        ["control-port"] = "KAFKA_DEV_BROKER_CONTROL_PORT",
        ["partitions"] = "KAFKA_DEV_BROKER_PARTITIONS",
        ["topics"] = "KAFKA_DEV_BROKER_TOPICS",
    };

    /// <exception cref="ArgumentException">An option is unknown, missing its value or invalid.</exception>
    public static BrokerOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>();
        foreach (var (name, variable) in EnvironmentNames)
        {
            if (environment(variable) is { Length: > 0 } value)
            {
                values[name] = value;
            }
        }

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}'.");
            }

            var separator = arg.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? arg[2..] : arg[2..separator];
            if (!EnvironmentNames.ContainsKey(name))
            {
                throw new ArgumentException($"Unknown option '--{name}'.");
            }

            if (separator >= 0)
            {
                values[name] = arg[(separator + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                values[name] = args[++i];
            }
            else
            {
                throw new ArgumentException($"Option '--{name}' needs a value.");
            }
        }

        var port = ParseInt(values, "port", 9092, 0, 65535);
        var controlPort = ParseInt(values, "control-port", 9093, 0, 65535);
        if (port != 0 && port == controlPort)
        {
            throw new ArgumentException($"--port and --control-port must differ (both {port}).");
        }

        var partitions = ParseInt(values, "partitions", 6, 1, MaxPartitions);
        var topics = values.TryGetValue("topics", out var list) ? ParseTopics(list) : DefaultTopics;
        return new BrokerOptions(port, controlPort, partitions, topics);
    }

    private static int ParseInt(Dictionary<string, string> values, string name, int fallback, int min, int max)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"--{name} must be a whole number from {min} to {max}, got '{text}'.");
        }

        return value;
    }

    private static string[] ParseTopics(string list)
    {
        var topics = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (topics.Length == 0)
        {
            throw new ArgumentException("--topics must name at least one topic.");
        }

        foreach (var topic in topics)
        {
            if (!IsValidTopicName(topic))
            {
                throw new ArgumentException(
                    $"Invalid topic name '{topic}': use 1-249 characters from a-z, A-Z, 0-9, '.', '_' and '-' (not '.' or '..').");
            }
        }

        return topics;
    }

    private static bool IsValidTopicName(string topic) =>
        topic.Length is > 0 and <= 249
        && topic is not "." and not ".."
        && topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
