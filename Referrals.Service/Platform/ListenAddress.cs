namespace Referrals.Service.Platform;

/// <summary>
/// The interface every Kestrel endpoint listens on: <c>Referrals:ListenAddress</c>, by default loopback in Development
/// (a dev machine's service answers nobody else) and all interfaces elsewhere (a container's port is reached from
/// outside it). The endpoints' URLs (<c>Kestrel:Endpoints:*:Url</c>) keep their scheme and port; only the host is replaced.
/// </summary>
public static class ListenAddress
{
    public const string Key = "Referrals:ListenAddress";

    public static string Of(IConfiguration configuration, IHostEnvironment environment) =>
        configuration[Key] is { Length: > 0 } configured ? configured
        : environment.IsDevelopment() ? "127.0.0.1" : "0.0.0.0";

    public static void Apply(IConfigurationManager configuration, IHostEnvironment environment)
    {
        var address = Of(configuration, environment);
        var urls = new Dictionary<string, string?>();
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { } url)
                urls[$"{endpoint.Path}:Url"] = WithHost(url, address);
        }
        configuration.AddInMemoryCollection(urls);
    }

    public static string WithHost(string url, string address)
    {
        var parsed = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal)
            .Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
        var host = address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address;
        return $"{parsed.Scheme}://{host}:{parsed.Port}";
    }
}
