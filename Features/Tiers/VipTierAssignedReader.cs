using System.Text.Json;
using Wolverine;
using Wolverine.Runtime.Serialization;
using Referrals.Service.Messaging;

namespace Referrals.Service.Features.Tiers;

/// <summary>
/// Reads the raw JSON of `vip_tier.assigned` and never throws: bytes that are not the event become a
/// <see cref="VipTierAssigned"/> that says so, which the handler dead-letters with its reason. A serializer that
/// threw would leave the message to the transport's own failure path, uncounted and without our reason.
/// </summary>
public sealed class VipTierAssignedReader : IMessageSerializer
{
    public string ContentType => "application/json";

    public object ReadFromData(Type messageType, Envelope envelope) => Read(envelope.Data ?? []);

    public object ReadFromData(byte[] data) => Read(data);

    public byte[] Write(Envelope envelope) => WriteMessage(envelope.Message!);

    public byte[] WriteMessage(object message) => JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), WireJson.Options);

    private static VipTierAssigned Read(byte[] data)
    {
        try
        {
            return JsonSerializer.Deserialize<VipTierAssigned>(data, WireJson.Options)
                ?? VipTierAssigned.NotReadable("the payload is JSON null");
        }
        catch (JsonException e)
        {
            // The message names the path and position, never the value: no payload content reaches the logs.
            return VipTierAssigned.NotReadable($"{e.Path ?? "$"}: {e.GetType().Name} at byte {e.BytePositionInLine}");
        }
    }
}
