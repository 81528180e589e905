using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Caching.Memory;
using Referrals.Contracts.Auth.V1;
using Referrals.Service.Caching;
using StackExchange.Redis;

namespace Referrals.Service.Auth;

/// <summary>
/// Turns a bearer token into a <see cref="CallerIdentity"/>. A token without a JWT's shape is refused before anything
/// is asked; a blacklisted jti (Redis `jwt_blacklist:{jti}`) is refused next; then Auth's ValidateToken decides. A
/// valid answer is cached briefly, never past exp; a refusal is cached briefly too, so junk tokens cannot hammer Auth.
/// Both caches are keyed by the token's hash and bounded in entries.
/// </summary>
public sealed class ValidateCallerToken(
    AuthService.AuthServiceClient auth,
    IConnectionMultiplexer redis,
    RedisBreaker breaker,
    TimeProvider clock,
    ILogger<ValidateCallerToken> logger) : IDisposable
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RefusalCachedFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AuthDeadline = TimeSpan.FromSeconds(3);

    private const int CacheEntries = 20_000;

    private readonly MemoryCache _answers = new(new MemoryCacheOptions { SizeLimit = CacheEntries });
    private readonly ConcurrentDictionary<string, Task<CallerIdentity>> _inFlight = new();

    public async Task<CallerIdentity> ValidateAsync(string token, CancellationToken ct)
    {
        if (BearerTokenShape.Refusal(token) is { } malformed)
            throw Unauthenticated(malformed);

        var cacheKey = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        if (_answers.TryGetValue(cacheKey, out var answer) && answer is Status refused)
            throw new RpcException(refused);

        if (UnverifiedJti(token) is not { } jti)
            throw Refuse(cacheKey, "the bearer token is not a JWT with a jti");

        var revocation = await RevocationAsync(jti);
        if (revocation == Revocation.Revoked)
            throw Unauthenticated("token has been revoked");

        var caller = answer is CallerIdentity cached && cached.ExpiresAt > clock.GetUtcNow() ? cached : await AskAuthOnceAsync(token, cacheKey, ct);
        return revocation == Revocation.Unknown ? caller with { RevocationChecked = false } : caller;
    }

    public void Dispose() => _answers.Dispose();

    private async Task<CallerIdentity> AskAuthOnceAsync(string token, string cacheKey, CancellationToken ct)
    {
        // One question to Auth per token at a time: a burst of calls with a fresh token must not stampede Auth.
        var asking = _inFlight.GetOrAdd(cacheKey, _ => AskAuthAsync(token, cacheKey, CancellationToken.None));
        CallerIdentity caller;
        try
        {
            caller = await asking.WaitAsync(ct);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Task<CallerIdentity>>(cacheKey, asking));
        }
        var expiresIn = caller.ExpiresAt - clock.GetUtcNow();
        if (expiresIn > TimeSpan.Zero)
            _answers.Set(cacheKey, (object)caller, new MemoryCacheEntryOptions
            {
                Size = 1,
                AbsoluteExpirationRelativeToNow = expiresIn < CacheFor ? expiresIn : CacheFor,
            });
        return caller;
    }

    private async Task<CallerIdentity> AskAuthAsync(string token, string cacheKey, CancellationToken ct)
    {
        ValidateTokenResponse reply;
        try
        {
            reply = await auth.ValidateTokenAsync(new ValidateTokenRequest { JwtToken = token },
                deadline: clock.GetUtcNow().UtcDateTime + AuthDeadline, cancellationToken: ct);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.InvalidArgument)
        {
            throw Refuse(cacheKey, e.Status.Detail);
        }
        catch (RpcException e)
        {
            // Never an open door: when Auth cannot answer, nobody is let in (and nothing is cached: it may answer soon).
            logger.LogWarning("Auth could not validate a token: {AuthStatus}", e.StatusCode);
            throw new RpcException(new Status(StatusCode.Unavailable, "the Auth service is unavailable"));
        }

        if (!Guid.TryParse(reply.ShopId, out var shopId))
            throw Refuse(cacheKey, "token carries no valid shop_id");
        return new CallerIdentity(shopId, reply.Scopes.ToHashSet(StringComparer.Ordinal),
            Guid.TryParse(reply.Subject, out var customerId) ? customerId : null,
            reply.Jti, DateTimeOffset.FromUnixTimeSeconds(reply.ExpiresAtUnix));
    }

    private enum Revocation { NotRevoked, Revoked, Unknown }

    private async Task<Revocation> RevocationAsync(string jti)
    {
        try
        {
            // A hung Redis must not hold a request: the breaker bounds the wait and skips Redis while it is away.
            return await breaker.RunAsync(() => redis.GetDatabase().KeyExistsAsync($"jwt_blacklist:{jti}"))
                ? Revocation.Revoked
                : Revocation.NotRevoked;
        }
        catch (RedisException e)
        {
            // Revocations are written to Redis; with Redis away, Auth's own validation (signature, expiry) decides for
            // reads, and destructive calls are refused (RevocationKnown). The breaker logs the outage once, not per call.
            if (e is not RedisUnavailableException { SkippedByBreaker: true })
                logger.LogWarning("JWT blacklist unavailable ({Reason}); destructive calls are refused until it answers",
                    e.InnerException?.GetType().Name ?? e.GetType().Name);
            return Revocation.Unknown;
        }
    }

    private RpcException Refuse(string cacheKey, string reason)
    {
        var refusal = new Status(StatusCode.Unauthenticated, reason);
        _answers.Set(cacheKey, (object)refusal, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = RefusalCachedFor });
        return new RpcException(refusal);
    }

    private static RpcException Unauthenticated(string reason) => new(new Status(StatusCode.Unauthenticated, reason));

    /// <summary>The jti of a token, read without verifying it: only to look it up in the blacklist.</summary>
    private static string? UnverifiedJti(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
            return null;
        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var json = JsonDocument.Parse(Convert.FromBase64String(payload));
            return json.RootElement.ValueKind == JsonValueKind.Object &&
                   json.RootElement.TryGetProperty("jti", out var jti) && jti.ValueKind == JsonValueKind.String
                ? jti.GetString()
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }
}
