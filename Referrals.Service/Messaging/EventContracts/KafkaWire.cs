namespace Referrals.Service.Messaging.EventContracts;

/// <summary>What this service writes on topics with a committed contract (`Kafka:WireFormat`): json (default) or avro.</summary>
public enum KafkaWireFormat
{
    Json,
    Avro,
}

/// <summary>
/// How events are written. Readers accept both formats whatever this says (Confluent's magic byte tells them
/// apart), so a topic can move from JSON to Avro one producer at a time. Schemas are registered by the sending
/// serializer only in Development; elsewhere the `register-schemas` command registers them ahead and the serializer
/// looks up the id of the exact committed schema, failing the send (the event waits in the outbox) if it is missing.
/// </summary>
public sealed record KafkaWire(KafkaWireFormat Format, bool AutoRegisterSchemas)
{
    public static readonly KafkaWire Json = new(KafkaWireFormat.Json, AutoRegisterSchemas: false);

    public bool WritesAvro => Format == KafkaWireFormat.Avro;
}
