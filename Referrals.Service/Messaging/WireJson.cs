using System.Text.Json;

namespace Referrals.Service.Messaging;

/// <summary>snake_case JSON, as the seed's payloads are: events, dead letters, REST answers, cached views.</summary>
public static class WireJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
