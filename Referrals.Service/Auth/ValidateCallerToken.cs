using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Caching.Memory;
using Referrals.Contracts.Auth.V1;
using StackExchange.Redis;

namespace Referrals.Service.Auth;

/// <summary>
/// Turns a bearer token into a <see cref="CallerIdentity"/>: a blacklisted jti is refused first (Redis
/// `jwt_blacklist:{jti}`), then Auth's ValidateToken decides; a valid answer is cached briefly, never past exp.
/// </summary>
public sealed class ValidateCallerToken(
    AuthService.AuthServiceClient auth,
    IConnectionMultiplexer redis,
    IMemoryCache cache,
    TimeProvider clock,
    ILogger<ValidateCallerToken> logger)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AuthDeadline = TimeSpan.FromSeconds(3);
    private readonly ConcurrentDictionary<string, Task<CallerIdentity>> _inFlight = new();

    public async Task<CallerIdentity> ValidateAsync(string token, CancellationToken ct)
    {
        if (UnverifiedJti(token) is not { } jti)
            throw new RpcException(new Status(StatusCode.Unauthenticated, "bearer token is not a JWT"));

        if (await IsBlacklistedAsync(jti))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "token has been revoked"));

        var cacheKey = "caller:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        if (cache.TryGetValue(cacheKey, out CallerIdentity? cached) && cached!.ExpiresAt > clock.GetUtcNow())
            return cached;

        // One question to Auth per token at a time: a burst of calls with a fresh token must not stampede Auth.
        var asking = _inFlight.GetOrAdd(cacheKey, _ => AskAuthAsync(token, CancellationToken.None));
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
            cache.Set(cacheKey, caller, expiresIn < CacheFor ? expiresIn : CacheFor);
        return caller;
    }

    private async Task<CallerIdentity> AskAuthAsync(string token, CancellationToken ct)
    {
        ValidateTokenResponse reply;
        try
        {
            reply = await auth.ValidateTokenAsync(new ValidateTokenRequest { JwtToken = token },
                deadline: clock.GetUtcNow().UtcDateTime + AuthDeadline, cancellationToken: ct);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.InvalidArgument)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, e.Status.Detail));
        }
        catch (RpcException e)
        {
            // Never an open door: when Auth cannot answer, nobody is let in.
            logger.LogWarning("Auth could not validate a token: {AuthStatus}", e.StatusCode);
            throw new RpcException(new Status(StatusCode.Unavailable, "the Auth service is unavailable"));
        }

        if (!Guid.TryParse(reply.ShopId, out var shopId))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "token carries no valid shop_id"));
        return new CallerIdentity(shopId, reply.Scopes.ToHashSet(StringComparer.Ordinal),
            Guid.TryParse(reply.Subject, out var customerId) ? customerId : null,
            reply.Jti, DateTimeOffset.FromUnixTimeSeconds(reply.ExpiresAtUnix));
    }

    private async Task<bool> IsBlacklistedAsync(string jti)
    {
        try
        {
            return await redis.GetDatabase().KeyExistsAsync($"jwt_blacklist:{jti}");
        }
        catch (RedisException e)
        {
            // Revocations are written to Redis; with Redis down, Auth's own validation (signature, expiry) still decides.
            logger.LogWarning(e, "JWT blacklist unavailable; relying on Auth's validation");
            return false;
        }
    }

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
            return json.RootElement.TryGetProperty("jti", out var jti) && jti.ValueKind == JsonValueKind.String
                ? jti.GetString()
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
