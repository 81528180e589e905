using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>
/// Reads every resource's console output as the testing host forwards it (logger category
/// <c>&lt;AppHost&gt;.Resources.&lt;resource&gt;</c>) and keeps the error entries, so that the run fails on an error
/// no test declared with <see cref="ReferralsApp.ExpectErrorLogs"/> (as dotnet/aspire-samples' AppHostTests do).
/// What counts as an error:
/// <list type="bullet">
/// <item>the service (JSON console): an entry at Error or Critical level; librdkafka's own lines (stderr) at
/// syslog level error or worse (<c>%0</c>–<c>%3</c>); any other stderr line, such as an unhandled exception;</item>
/// <item>the stubs and the Kafka dev broker (simple console): a <c>fail:</c> or <c>crit:</c> entry, with the
/// message and exception lines that follow it; any stderr line;</item>
/// <item>PostgreSQL: a PANIC. Its ERROR and FATAL lines are not judged: PostgreSQL logs to stderr, tests provoke
/// refusals on purpose (triggers, row-level security) and stop it, and the service logs what matters to it.
/// Redis logs nothing that would tell an error apart.</item>
/// </list>
/// What Aspire's orchestrator writes into a resource's log (<c>[sys]</c> lines, a command's outcome) is not judged:
/// a test that stops or starts a resource waits for the outcome itself.
/// </summary>
public sealed partial class ErrorLogWatch : ILoggerProvider
{
    private const string ResourcesCategory = ".Resources.";
    private const int ReportedLines = 40;
    private const int ReportedLineLength = 1500;

    private static readonly HashSet<string> DotnetResources = ["referrals", "referrals-2", "auth-stub", "core-stub", "kafka-broker"];

    private readonly TimeProvider _clock;
    private readonly TimeSpan _lateLogs;
    private readonly Lock _gate = new();
    private readonly List<ErrorLogEntry> _errors = [];
    private readonly List<ExpectedErrorLogs> _expected = [];
    private readonly Dictionary<string, ErrorLogEntry> _openEntries = new(StringComparer.Ordinal);

    /// <param name="lateLogs">how long after its test an expectation still covers lines: the testing host forwards
    /// resource output with a lag, and a fault's consequences (retries, a reconnect) are logged after it ends.</param>
    public ErrorLogWatch(TimeProvider clock, TimeSpan lateLogs)
    {
        _clock = clock;
        _lateLogs = lateLogs;
    }

    /// <summary>The integration test running now (set around each test by <see cref="NameTheRunningTestAttribute"/>).</summary>
    public static string? RunningTest { get; set; }

    /// <summary>The watch of the stack that is up, if one is (set by <see cref="ReferralsApp"/>).</summary>
    public static ErrorLogWatch? OfTheRunningStack { get; set; }

    public ILogger CreateLogger(string categoryName) =>
        categoryName.IndexOf(ResourcesCategory, StringComparison.Ordinal) is var at and >= 0
            ? new ResourceLogger(this, categoryName[(at + ResourcesCategory.Length)..])
            : NullLogger.Instance;

    public void Dispose()
    {
    }

    /// <summary>Error lines that contain one of <paramref name="fragments"/> are expected from now until
    /// a while after the returned scope is disposed.</summary>
    public IDisposable Expect(IReadOnlyList<string> fragments)
    {
        if (fragments.Count == 0 || fragments.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("name the error logs the test expects", nameof(fragments));
        var expected = new ExpectedErrorLogs(this, fragments, RunningTest, _clock.GetUtcNow());
        lock (_gate)
            _expected.Add(expected);
        return expected;
    }

    /// <summary>Every error entry so far that no expectation covers, oldest first.</summary>
    public IReadOnlyList<ErrorLogEntry> Unexpected()
    {
        lock (_gate)
            return [.. _errors.Where(error => !_expected.Any(expected => expected.Covers(error)))];
    }

    /// <summary>The unexpected entries not reported yet, received while <paramref name="test"/> ran (null: all of them);
    /// they count as reported from now on.</summary>
    public IReadOnlyList<ErrorLogEntry> TakeUnexpected(string? test)
    {
        lock (_gate)
        {
            var taken = Unexpected().Where(error => !error.Reported && (test is null || error.Test == test)).ToList();
            taken.ForEach(error => error.Reported = true);
            return taken;
        }
    }

    /// <summary>The failure message: the resource, the test that was running and the line of each error.</summary>
    public static string Describe(IReadOnlyList<ErrorLogEntry> unexpected)
    {
        var message = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"{unexpected.Count} error log(s) that no test expected (declare an expected one with `using var expected = app.ExpectErrorLogs(\"...\")` where the test provokes it):");
        foreach (var error in unexpected.Take(ReportedLines))
            message.AppendLine().Append(CultureInfo.InvariantCulture,
                $"- {error.Resource} during {error.Test ?? "no test (start-up, clean-up or between tests)"}: {Shorten(WithoutStackTrace(error.Text))}");
        if (unexpected.Count > ReportedLines)
            message.AppendLine().Append(CultureInfo.InvariantCulture,
                $"… and {unexpected.Count - ReportedLines} more: TestResults/stack.log beside the test binaries has every line");
        return message.ToString();
    }

    private void Observe(string resource, bool stderr, string content)
    {
        var line = WithoutAnsiColors(WithoutTimestamp(content));
        lock (_gate)
        {
            if (_openEntries.TryGetValue(resource, out var open))
            {
                if (line.Length > 0 && char.IsWhiteSpace(line[0]))
                {
                    open.Continue(line);
                    return;
                }
                _openEntries.Remove(resource);
            }

            var (isError, continues, text) = Judge(resource, stderr, line);
            if (!isError)
                return;
            var entry = new ErrorLogEntry(resource, RunningTest, _clock.GetUtcNow(), text);
            _errors.Add(entry);
            if (continues)
                _openEntries[resource] = entry;
        }
    }

    /// <returns>whether the line is an error, whether the lines indented below it belong to it, and its text.</returns>
    private static (bool IsError, bool Continues, string Text) Judge(string resource, bool stderr, string line)
    {
        if (resource == "postgres")
            return (line.Contains(" PANIC: ", StringComparison.Ordinal), false, line);
        if (!DotnetResources.Contains(resource) || OrchestratorLine().IsMatch(line))
            return (false, false, line);

        if (line.StartsWith('{'))
            return JsonErrorEntry(line) is { } entry ? (true, false, entry) : (false, false, line);
        if (LibrdkafkaLine().Match(line) is { Success: true } kafka)
            return (kafka.Groups["level"].Value[0] <= '3', false, line);
        if (ConsoleEntryHeader().Match(line) is { Success: true } header)
            return (header.Groups["level"].Value is "fail" or "crit", true, line);
        return (stderr, stderr, line);
    }

    /// <summary>
    /// "category: message exception" of one of the service's JSON log lines (ServiceDefaults' FlatJsonConsoleFormatter:
    /// <c>level</c>, <c>category</c>, <c>message</c>, <c>exception</c>) at error or critical; null for any other line.
    /// </summary>
    private static string? JsonErrorEntry(string line)
    {
        try
        {
            using var entry = JsonDocument.Parse(line);
            var root = entry.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("level", out var level)
                || level.GetString() is not ("error" or "critical"))
                return null;
            var text = $"{Text(root, "category")}: {Text(root, "message")}";
            return Text(root, "exception") is { Length: > 0 } exception ? $"{text} {exception}" : text;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement entry, string property) =>
        entry.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // The testing host's lines start with the time it read them: "2026-12-01T09:05:14.2970000Z <the line>".
    private static string WithoutTimestamp(string content)
    {
        var space = content.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && DateTimeOffset.TryParse(content.AsSpan(0, space), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out _)
            ? content[(space + 1)..]
            : content;
    }

    private static string WithoutAnsiColors(string line) => AnsiColor().Replace(line, "");

    private static string WithoutStackTrace(string text) =>
        string.Join(" ", text.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith("at ", StringComparison.Ordinal)));

    private static string Shorten(string text) =>
        text.Length <= ReportedLineLength ? text : string.Concat(text.AsSpan(0, ReportedLineLength), " …");

    [GeneratedRegex(@"\x1B\[[0-9;]*m")]
    private static partial Regex AnsiColor();

    // What Aspire's orchestrator writes into a resource's log (starting, stopping it) is not the resource's doing.
    [GeneratedRegex(@"^(\[sys\] |(Executing|Successfully executed|Error executing|Failed to execute) command ')")]
    private static partial Regex OrchestratorLine();

    // librdkafka logs "%<syslog level>|<time>|<facility>|..." to stderr.
    [GeneratedRegex(@"^%(?<level>[0-7])\|")]
    private static partial Regex LibrdkafkaLine();

    // Microsoft's console formatter: "fail: Category[0]", optionally after the stubs' "HH:mm:ss " timestamp.
    [GeneratedRegex(@"^(\d\d:\d\d:\d\d )?(?<level>trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex ConsoleEntryHeader();

    private sealed class ResourceLogger(ErrorLogWatch watch, string resource) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            // The testing host logs each line as "{LineNumber}: {LineContent}", at Error for stderr.
            var content = state is IReadOnlyList<KeyValuePair<string, object?>> values
                ? values.FirstOrDefault(v => v.Key == "LineContent").Value as string
                : null;
            watch.Observe(resource, logLevel >= LogLevel.Error, content ?? formatter(state, exception));
        }
    }

    private sealed class ExpectedErrorLogs(ErrorLogWatch watch, IReadOnlyList<string> fragments, string? test, DateTimeOffset from)
        : IDisposable
    {
        private DateTimeOffset? _until;

        public bool Covers(ErrorLogEntry error) =>
            error.ReceivedAt >= from
            && (_until is null || error.ReceivedAt <= _until)
            && fragments.Any(fragment => error.Text.Contains(fragment, StringComparison.Ordinal));

        public void Dispose()
        {
            lock (watch._gate)
                _until ??= watch._clock.GetUtcNow() + watch._lateLogs;
        }

        public override string ToString() => $"{test}: {string.Join(", ", fragments)}";
    }
}

/// <summary>One error entry of a resource: its first line, and the indented lines that followed it.</summary>
public sealed class ErrorLogEntry(string resource, string? test, DateTimeOffset receivedAt, string line)
{
    private readonly StringBuilder _text = new(line);

    public string Resource { get; } = resource;
    public string? Test { get; } = test;
    public DateTimeOffset ReceivedAt { get; } = receivedAt;
    public string Text => _text.ToString();

    /// <summary>Whether a failure has named it already (its test's, or the run's).</summary>
    public bool Reported { get; set; }

    internal void Continue(string line) => _text.Append(' ').Append(line.Trim());
}
