using Avro;
using Avro.Generic;
using Avro.IO;

namespace Referrals.Service.Tests.Contracts;

/// <summary>Sample Avro data for any committed event schema, and Avro's binary round trip with schema resolution.</summary>
public static class AvroSamples
{
    public static GenericRecord RecordOf(RecordSchema schema)
    {
        var record = new GenericRecord(schema);
        foreach (var field in schema.Fields)
            record.Add(field.Name, ValueOf(field.Schema, field.Name));
        return record;
    }

    public static byte[] Encode(GenericRecord record, Schema writerSchema)
    {
        using var buffer = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(writerSchema).Write(record, new BinaryEncoder(buffer));
        return buffer.ToArray();
    }

    /// <summary>Reads Avro binary written with <paramref name="writerSchema"/> as <paramref name="readerSchema"/>, by Avro's resolution rules.</summary>
    public static GenericRecord Decode(byte[] data, Schema writerSchema, Schema readerSchema)
    {
        using var buffer = new MemoryStream(data);
        return new GenericDatumReader<GenericRecord>(writerSchema, readerSchema).Read(null!, new BinaryDecoder(buffer));
    }

    // Values differ from every default, so a test can tell a written value from a defaulted one.
    private static object? ValueOf(Schema schema, string fieldName) => schema switch
    {
        UnionSchema union => ValueOf(union.Schemas.First(branch => branch.Tag != Schema.Type.Null), fieldName),
        LogicalSchema { LogicalTypeName: "uuid" } => Guid.NewGuid(),
        LogicalSchema { LogicalTypeName: "timestamp-millis" } => new DateTime(2026, 11, 25, 15, 4, 5, 678, DateTimeKind.Utc),
        PrimitiveSchema { Tag: Schema.Type.String } => $"sample {fieldName}",
        PrimitiveSchema { Tag: Schema.Type.Int } => 7,
        PrimitiveSchema { Tag: Schema.Type.Long } => 42L,
        PrimitiveSchema { Tag: Schema.Type.Double } => 2.5,
        PrimitiveSchema { Tag: Schema.Type.Float } => 0.5f,
        PrimitiveSchema { Tag: Schema.Type.Boolean } => true,
        _ => throw new NotSupportedException($"no sample for {schema} ({fieldName}); extend AvroSamples"),
    };
}
