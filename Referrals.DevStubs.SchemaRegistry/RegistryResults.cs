using System.Text.Json;

namespace Referrals.DevStubs.SchemaRegistry;

/// <summary>Confluent's request and answer shapes, content type `application/vnd.schemaregistry.v1+json`.</summary>
public static class RegistryResults
{
    public const string ContentType = "application/vnd.schemaregistry.v1+json";

    public static IResult Json(object body) => Results.Json(body, contentType: ContentType);

    public static IResult Error(int status, int errorCode, string message) =>
        Results.Json(new Dictionary<string, object> { ["error_code"] = errorCode, ["message"] = message },
            contentType: ContentType, statusCode: status);

    public static Dictionary<string, object> Registered(SubjectVersion registered) => new()
    {
        ["id"] = registered.Id,
        ["subject"] = registered.Subject,
        ["version"] = registered.Version,
        ["schema"] = registered.Schema,
    };

    public static Dictionary<string, object> Version(SubjectVersion version) => new()
    {
        ["subject"] = version.Subject,
        ["version"] = version.Version,
        ["id"] = version.Id,
        ["schema"] = version.Schema,
    };

    /// <summary>`{"schema": "...", "schemaType"?: "AVRO", "references"?: []}`: only Avro without references.</summary>
    public static async Task<string> SchemaOf(HttpRequest request)
    {
        using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        var root = body.RootElement;
        if (root.TryGetProperty("schemaType", out var type) && type.GetString() is { } name && name != "AVRO")
            throw new RegistryException(422, 42201, $"Schema type {name} is not supported by the dev schema registry (AVRO only)");
        if (root.TryGetProperty("references", out var references) && references.ValueKind == JsonValueKind.Array && references.GetArrayLength() > 0)
            throw new RegistryException(422, 42201, "Schema references are not supported by the dev schema registry");
        return root.TryGetProperty("schema", out var schema) && schema.GetString() is { } text
            ? text
            : throw new RegistryException(422, 42201, "Empty schema");
    }

    /// <summary>`{"compatibility": "FULL"}`.</summary>
    public static async Task<string> CompatibilityOf(HttpRequest request)
    {
        using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        return body.RootElement.TryGetProperty("compatibility", out var level) && level.GetString() is { } text
            ? text
            : throw new RegistryException(422, 42203, "Invalid compatibility level");
    }
}
