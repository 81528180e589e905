using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Referrals.KafkaDevBroker;

/// <summary>HTTP control surface: health, broker down/up and error injection. JSON in and out, snake_case.</summary>
internal static class ControlEndpoints
{
    private const int MaxErrorsPerPush = 10_000;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Loopback-only dev tool: keep quotes readable in error messages instead of \u0027.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static void MapControlEndpoints(this IEndpointRouteBuilder app, DevBroker broker, ILogger logger)
    {
        app.MapGet("/health", () => Results.Json(new { Status = "up", broker.Bootstrap, broker.BrokerUp }, Json));

        app.MapGet("/topics", () => Results.Json(new { Topics = broker.Topics }, Json));

        app.MapPost("/broker/down", () => SetBroker(broker, logger, up: false));

        app.MapPost("/broker/up", () => SetBroker(broker, logger, up: true));

        app.MapPost("/errors", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            PushErrorsRequest? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<PushErrorsRequest>(request.Body, Json, cancellationToken);
            }
            catch (JsonException ex)
            {
                return BadRequest($"Body must be JSON like {{\"api_key\": 0, \"errors\": [6, 6]}}: {ex.Message}");
            }

            if (body?.ApiKey is not { } apiKey)
            {
                return BadRequest("'api_key' is required: the Kafka protocol ApiKey (0 = Produce, 1 = Fetch, 3 = Metadata, ...).");
            }

            if (apiKey is < 0 or > short.MaxValue)
            {
                return BadRequest($"'api_key' must be from 0 to {short.MaxValue}, got {apiKey}.");
            }

            if (body.Errors is not { Length: > 0 and <= MaxErrorsPerPush } errors)
            {
                return BadRequest($"'errors' is required: 1 to {MaxErrorsPerPush} Kafka error codes, e.g. [6, 6].");
            }

            var outOfRange = errors.Where(e => e is < short.MinValue or > short.MaxValue).ToArray();
            if (outOfRange.Length > 0)
            {
                return BadRequest($"Error code(s) {string.Join(", ", outOfRange)} out of range: Kafka error codes are 16-bit.");
            }

            broker.PushRequestErrors((short)apiKey, errors);
            logger.LogInformation("Queued {Count} error(s) [{Errors}] for ApiKey {ApiKey}", errors.Length, string.Join(", ", errors), apiKey);
            return Results.Json(new { Status = "ok", ApiKey = apiKey, Errors = errors }, Json);
        });

        app.MapDelete("/errors", (HttpRequest request) =>
        {
            short? apiKey = null;
            if (request.Query.TryGetValue("api_key", out var text))
            {
                if (!short.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                {
                    return BadRequest($"Query 'api_key' must be a Kafka protocol ApiKey from 0 to {short.MaxValue}, got '{text}'.");
                }

                apiKey = parsed;
            }

            var cleared = broker.ClearRequestErrors(apiKey);
            logger.LogInformation("Cleared queued errors for ApiKey(s) [{ApiKeys}]", string.Join(", ", cleared));
            return Results.Json(new { Status = "ok", ClearedApiKeys = cleared }, Json);
        });
    }

    private static IResult SetBroker(DevBroker broker, ILogger logger, bool up)
    {
        broker.SetBrokerUp(up);
        logger.LogWarning("Broker {BrokerId} is now {State} (control API)", DevBroker.BrokerId, up ? "UP" : "DOWN");
        return Results.Json(new { Status = "ok", broker.BrokerUp }, Json);
    }

    private static IResult BadRequest(string message) => Results.Json(new { Error = message }, Json, statusCode: StatusCodes.Status400BadRequest);

    private sealed record PushErrorsRequest(int? ApiKey, int[]? Errors);
}
