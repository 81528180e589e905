using FastEndpoints;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Referrals.Service.Auth;

/// <summary>
/// Kept only for the translation routes until they declare <c>Policies(AccessPolicies.MerchantAdmin)</c> themselves
/// (issue 14, texts per shop): asks that policy of the caller the door authenticated, as the middleware would; it
/// parses no header.
/// </summary>
public sealed class MerchantAdminOnly<TRequest> : IPreProcessor<TRequest>
{
    public async Task PreProcessAsync(IPreProcessorContext<TRequest> context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var policy = (await http.RequestServices.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(AccessPolicies.MerchantAdmin))!;
        var evaluator = http.RequestServices.GetRequiredService<IPolicyEvaluator>();
        var result = await evaluator.AuthorizeAsync(policy, await evaluator.AuthenticateAsync(policy, http), http, http);
        if (!result.Succeeded)
            // A response that has started ends the request: FastEndpoints does not run the handler after it.
            await new RefuseUnauthorizedCalls().HandleAsync(_ => Task.CompletedTask, http, policy, result);
    }
}
