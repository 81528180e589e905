using System.Buffers.Binary;

namespace Referrals.Service.Messaging.EventContracts;

/// <summary>
/// Confluent's framing of a schema-registry payload: magic byte 0, the schema id as a 4-byte big-endian integer,
/// then the Avro binary encoding. JSON never starts with byte 0, so a consumer tells the two apart by the first byte.
/// </summary>
public static class ConfluentWireFormat
{
    public const byte MagicByte = 0;
    public const int HeaderLength = 5;

    public static bool IsFramed(ReadOnlySpan<byte> payload) => payload.Length >= HeaderLength && payload[0] == MagicByte;

    public static int SchemaId(ReadOnlySpan<byte> payload) =>
        IsFramed(payload)
            ? BinaryPrimitives.ReadInt32BigEndian(payload[1..HeaderLength])
            : throw new EventContractException("the payload is not in the Confluent wire format");
}
