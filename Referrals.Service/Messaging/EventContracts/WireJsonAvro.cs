using System.Globalization;
using System.Text.Json;
using Avro;
using Avro.Generic;

namespace Referrals.Service.Messaging.EventContracts;

/// <summary>
/// Translates an event between its wire JSON (snake_case, what the service publishes by default) and an Avro
/// record of its committed schema. Strict both ways: a JSON field the schema lacks, or a schema field without a
/// default that the JSON lacks, is a contract mismatch, never silently dropped. uuid travels as a string with
/// logicalType uuid; timestamps as timestamp-millis (the JSON's ISO-8601 instants, truncated to milliseconds).
/// </summary>
public static class WireJsonAvro
{
    public static GenericRecord ToAvro(ReadOnlySpan<byte> json, RecordSchema schema)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new EventContractException($"{schema.Fullname}: the payload is not a JSON object");

        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (!schema.Contains(property.Name))
                throw new EventContractException($"{schema.Fullname}: field '{property.Name}' is not in the schema");
        }

        var record = new GenericRecord(schema);
        foreach (var field in schema.Fields)
        {
            if (document.RootElement.TryGetProperty(field.Name, out var value))
                record.Add(field.Name, FromJson(value, field.Schema, $"{schema.Fullname}.{field.Name}"));
            else if (field.DefaultValue is not null)
                record.Add(field.Name, FromJson(JsonDocument.Parse(field.DefaultValue.ToString(Newtonsoft.Json.Formatting.None)).RootElement, field.Schema,
                    $"{schema.Fullname}.{field.Name}"));
            else
                throw new EventContractException($"{schema.Fullname}: field '{field.Name}' is missing and has no default");
        }
        return record;
    }

    public static byte[] ToJson(GenericRecord record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var field in record.Schema.Fields)
            {
                writer.WritePropertyName(field.Name);
                WriteJson(writer, record.GetValue(field.Pos));
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static object? FromJson(JsonElement value, Schema schema, string path)
    {
        try
        {
            return schema switch
            {
                UnionSchema union => FromJsonUnion(value, union, path),
                LogicalSchema { LogicalTypeName: "uuid" } => Guid.Parse(value.GetString()!, CultureInfo.InvariantCulture),
                LogicalSchema { LogicalTypeName: "timestamp-millis" or "timestamp-micros" } =>
                    DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).UtcDateTime,
                PrimitiveSchema { Tag: Schema.Type.String } => value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : throw new EventContractException($"{path}: expected a string, found {value.ValueKind}"),
                PrimitiveSchema { Tag: Schema.Type.Int } => value.GetInt32(),
                PrimitiveSchema { Tag: Schema.Type.Long } => value.GetInt64(),
                PrimitiveSchema { Tag: Schema.Type.Double } => value.GetDouble(),
                PrimitiveSchema { Tag: Schema.Type.Float } => value.GetSingle(),
                PrimitiveSchema { Tag: Schema.Type.Boolean } => value.GetBoolean(),
                PrimitiveSchema { Tag: Schema.Type.Null } when value.ValueKind == JsonValueKind.Null => null,
                _ => throw new EventContractException($"{path}: Avro type {schema} is not supported for wire JSON"),
            };
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentNullException)
        {
            throw new EventContractException($"{path}: {value.GetRawText()} does not fit {schema}", e);
        }
    }

    private static object? FromJsonUnion(JsonElement value, UnionSchema union, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return union.Schemas.Any(branch => branch.Tag == Schema.Type.Null)
                ? null
                : throw new EventContractException($"{path}: null is not allowed by {union}");
        }
        var branch = union.Schemas.FirstOrDefault(branch => branch.Tag != Schema.Type.Null)
            ?? throw new EventContractException($"{path}: {union} has no branch for {value.ValueKind}");
        return FromJson(value, branch, path);
    }

    private static void WriteJson(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string text: writer.WriteStringValue(text); break;
            case Guid id: writer.WriteStringValue(id); break;
            case DateTime instant: writer.WriteStringValue(new DateTimeOffset(DateTime.SpecifyKind(instant, DateTimeKind.Utc))); break;
            case int number: writer.WriteNumberValue(number); break;
            case long number: writer.WriteNumberValue(number); break;
            case double number: writer.WriteNumberValue(number); break;
            case float number: writer.WriteNumberValue(number); break;
            case bool flag: writer.WriteBooleanValue(flag); break;
            default: throw new EventContractException($"Avro value of {value.GetType()} is not supported for wire JSON");
        }
    }
}

/// <summary>An event's payload does not fit its committed schema.</summary>
public sealed class EventContractException : Exception
{
    public EventContractException(string message) : base(message) { }
    public EventContractException(string message, Exception inner) : base(message, inner) { }
    public EventContractException() { }
}
