using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Referrals.Service.Tests.Deployment;

/// <summary>One call the stand-in agent received.</summary>
public sealed record ConsulAgentCall(string Method, string Path, string? Token, JsonElement? Body);

/// <summary>
/// A stand-in for the local Consul agent (Consul itself is not installable here): it answers the two agent endpoints
/// the service uses, records every call, and refuses (400, as Consul does for a bad definition) a registration whose
/// body does not have the shape Consul documents for `PUT /v1/agent/service/register`: `ID`, `Name`, `Tags`,
/// `Address`, `Port`, `Check` {`HTTP`, `Interval`, `Timeout`, `DeregisterCriticalServiceAfter`}, durations such as
/// "10s" or "1m". Any other path is 404.
/// </summary>
public sealed partial class ConsulAgentStandIn : IAsyncDisposable
{
    private static readonly string[] ServiceFields = ["ID", "Name", "Tags", "Address", "Port", "Check"];
    private static readonly string[] CheckFields = ["HTTP", "Interval", "Timeout", "DeregisterCriticalServiceAfter"];
    private static readonly string[] DurationFields = ["Interval", "Timeout", "DeregisterCriticalServiceAfter"];

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ConsulAgentCall> _calls = new();
    private readonly ConcurrentQueue<string> _refusals = new();

    private ConsulAgentStandIn(int port)
    {
        Port = port;
        // Its own content root: the test output holds the service's appsettings.json and its Kestrel endpoints.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = Directory.CreateTempSubdirectory("consul-agent").FullName,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _app = builder.Build();
        _app.MapPut("/v1/agent/service/register", async (HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            _calls.Enqueue(new ConsulAgentCall("PUT", request.Path, Token(request), body));
            if (ShapeProblem(body) is { } problem)
            {
                _refusals.Enqueue(problem);
                return Results.BadRequest(problem);
            }
            return Results.Ok();
        });
        _app.MapPut("/v1/agent/service/deregister/{id}", (HttpRequest request) =>
        {
            _calls.Enqueue(new ConsulAgentCall("PUT", request.Path, Token(request), null));
            return Results.Ok();
        });
    }

    public int Port { get; }

    public string Address => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<ConsulAgentCall> Calls => [.. _calls];

    /// <summary>Why registrations were refused; empty when every body had Consul's shape.</summary>
    public IReadOnlyList<string> Refusals => [.. _refusals];

    public static async Task<ConsulAgentStandIn> StartAsync(int port)
    {
        var agent = new ConsulAgentStandIn(port);
        await agent._app.StartAsync(TestContext.Current.CancellationToken);
        return agent;
    }

    public async Task<ConsulAgentCall> WaitForCallAsync(Func<ConsulAgentCall, bool> match, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_calls.FirstOrDefault(match) is { } call)
                return call;
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"no such call to the Consul stand-in within {within}; calls: {string.Join(", ", Calls.Select(c => c.Path))}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static string? Token(HttpRequest request) =>
        request.Headers.TryGetValue("X-Consul-Token", out var token) ? token.ToString() : null;

    private static string? ShapeProblem(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            return "the body is not a JSON object";
        if (body.EnumerateObject().FirstOrDefault(field => !ServiceFields.Contains(field.Name, StringComparer.Ordinal)) is { Name: { } unknown })
            return $"unknown field {unknown}";
        if (!IsString(body, "ID") || !IsString(body, "Name") || !IsString(body, "Address"))
            return "ID, Name and Address must be strings";
        if (!body.TryGetProperty(nameof(Port), out var port) || port.ValueKind != JsonValueKind.Number || !port.TryGetInt32(out var number) || number is < 1 or > 65535)
            return "Port must be a port number";
        if (body.TryGetProperty("Tags", out var tags)
            && (tags.ValueKind != JsonValueKind.Array || tags.EnumerateArray().Any(tag => tag.ValueKind != JsonValueKind.String)))
            return "Tags must be an array of strings";
        if (!body.TryGetProperty("Check", out var check) || check.ValueKind != JsonValueKind.Object)
            return "Check must be an object";
        if (check.EnumerateObject().FirstOrDefault(field => !CheckFields.Contains(field.Name, StringComparer.Ordinal)) is { Name: { } unknownCheck })
            return $"unknown check field {unknownCheck}";
        if (!IsString(check, "HTTP") || !Uri.TryCreate(check.GetProperty("HTTP").GetString(), UriKind.Absolute, out _))
            return "Check.HTTP must be an absolute URL";
        return DurationFields
            .Where(field => !IsString(check, field) || !Duration().IsMatch(check.GetProperty(field).GetString()!))
            .Select(field => $"Check.{field} must be a duration such as 10s")
            .FirstOrDefault();
    }

    private static bool IsString(JsonElement element, string field) =>
        element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 };

    [GeneratedRegex(@"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex Duration();
}
