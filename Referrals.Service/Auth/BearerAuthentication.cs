using System.Text.Encodings.Web;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Referrals.Service.Auth;

/// <summary>
/// The one door: every gRPC call and REST route authenticates here. `Authorization: Bearer &lt;jwt&gt;` (HTTP header
/// or gRPC metadata, exactly one) is validated through Auth by <see cref="ValidateCallerToken"/>; the caller becomes
/// `HttpContext.User`. No header means anonymous (the policies then answer 401); anything else wrong is a failure
/// whose reason <see cref="RefuseUnauthorizedCalls"/> answers: Auth unreachable is 503 / UNAVAILABLE, the rest
/// 401 / UNAUTHENTICATED. Nothing a caller sends makes this throw.
/// </summary>
public sealed class BearerAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ValidateCallerToken tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
            return AuthenticateResult.NoResult();
        if (headers.Count > 1)
            return AuthenticateResult.Fail(new TokenRefusedException(StatusCode.Unauthenticated, "more than one Authorization header"));

        var (token, refusal) = BearerTokenShape.FromHeader(headers[0]);
        if (token is null)
            return AuthenticateResult.Fail(new TokenRefusedException(StatusCode.Unauthenticated, refusal!));

        try
        {
            var caller = await tokens.ValidateAsync(token, Context.RequestAborted);
            return AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(SchemeName), SchemeName));
        }
        catch (RpcException e)
        {
            return AuthenticateResult.Fail(new TokenRefusedException(
                e.StatusCode == StatusCode.Unavailable ? StatusCode.Unavailable : StatusCode.Unauthenticated, e.Status.Detail));
        }
        catch (OperationCanceledException) when (Context.RequestAborted.IsCancellationRequested)
        {
            return AuthenticateResult.Fail(new TokenRefusedException(StatusCode.Cancelled, "the caller went away"));
        }
    }
}

/// <summary>Why the door refused a token, as the status to answer.</summary>
public sealed class TokenRefusedException(StatusCode status, string reason) : Exception(reason)
{
    public StatusCode Status { get; } = status;
}
