using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Referrals.Service.Platform;

/// <summary>The PEM files the TLS settings name, reloaded on change.</summary>
public static class ReloadingPemFiles
{
    /// <summary>A certificate and its private key (PEM, the key unencrypted).</summary>
    public static ReloadingPemFiles<X509Certificate2> Certificate(string certificatePath, string keyPath, ILogger logger) =>
        new ReloadingPemFiles<X509Certificate2>([certificatePath, keyPath], () => X509Certificate2.CreateFromPemFile(certificatePath, keyPath), logger);

    /// <summary>The certificates of one or more certificate authorities (PEM, concatenated).</summary>
    public static ReloadingPemFiles<X509Certificate2Collection> Authorities(string path, ILogger logger) =>
        new ReloadingPemFiles<X509Certificate2Collection>([path], () =>
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(path);
            return authorities.Count > 0 ? authorities : throw new CryptographicException($"no certificate in {path}");
        }, logger);
}

/// <summary>
/// What PEM files hold, read again when one of them changes (write time or length), so a rotated certificate or CA is
/// used from the next TLS handshake without a restart. Asked on every handshake: unchanged files cost one stat each.
/// A half-rotated pair (a new certificate beside the old key) does not load: the last good value is kept and the files
/// are read again at the next handshake.
/// </summary>
public sealed class ReloadingPemFiles<T> where T : class
{
    private readonly string[] _paths;
    private readonly Func<T> _load;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private volatile Loaded? _current;
    private string? _failedStamp;

    private sealed record Loaded(string Stamp, T Value);

    internal ReloadingPemFiles(string[] paths, Func<T> load, ILogger logger)
    {
        _paths = paths;
        _load = load;
        _logger = logger;
        _current = new Loaded(Stamp(), load()); // a missing or broken file fails the start, not the first handshake
    }

    public T Current
    {
        get
        {
            var stamp = Stamp();
            var current = _current!;
            if (current.Stamp == stamp)
                return current.Value;

            lock (_gate)
            {
                current = _current!;
                if (current.Stamp == stamp || _failedStamp == stamp)
                    return current.Value;
                try
                {
                    _current = new Loaded(stamp, _load());
                    _failedStamp = null;
                    _logger.LogInformation("Reloaded {Files}", string.Join(", ", _paths));
                    return _current.Value;
                }
                catch (Exception e) when (e is CryptographicException or IOException or ArgumentException)
                {
                    _failedStamp = stamp;
                    _logger.LogWarning("Could not reload {Files} ({Reason}); the previous one is still used",
                        string.Join(", ", _paths), e.Message);
                    return current.Value;
                }
            }
        }
    }

    private string Stamp() => string.Join('|', _paths.Select(path =>
    {
        var file = new FileInfo(path);
        return file.Exists ? $"{file.LastWriteTimeUtc.Ticks}:{file.Length}" : "missing";
    }));
}
