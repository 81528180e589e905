using FastEndpoints;
using FluentValidation;
using Referrals.Service.Auth;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Tenancy;

public sealed class PutShopRequest
{
    public Guid ShopId { get; set; }
    public string? Domain { get; set; }
    public bool AllowTestOrders { get; set; }
    public bool Active { get; set; } = true;
}

public sealed class PutShopValidator : Validator<PutShopRequest>
{
    public PutShopValidator() =>
        RuleFor(r => r.Domain).Must((request, domain) => ShopRegistration.ProblemOf(request.ShopId, domain) is null)
            .WithMessage(request => ShopRegistration.ProblemOf(request.ShopId, request.Domain)).WithErrorCode("invalid_shop");
}

/// <summary>A shop as the registry answers it.</summary>
public sealed record ShopView(Guid ShopId, string Domain, bool AllowTestOrders, bool Active, DateTimeOffset UpdatedAt)
{
    public static ShopView Of(Shop shop) => new(shop.Id, shop.Domain, shop.AllowTestOrders, shop.Active, shop.UpdatedAt);
}

/// <summary>
/// PUT /admin/shops/{shop_id} (platform operator): registers the shop or replaces what the registry says of it, and
/// answers the stored shop. 400 for a domain that is not a `*.myshopify.com` domain, 409 <c>domain_taken</c> when another
/// shop holds it. Re-activating an uninstalled shop (`active: true`) resumes its conversions at once on this instance.
/// </summary>
public sealed class PutShop(ShopRegistry registry) : Endpoint<PutShopRequest>
{
    public const string Route = "/admin/shops/{shopId}";

    public override void Configure()
    {
        Put(Route);
        Policies(AccessPolicies.PlatformOperator);
        Options(route => route.RequireRateLimiting(WebhookRateLimits.AdminPolicy));
    }

    public override async Task HandleAsync(PutShopRequest request, CancellationToken ct)
    {
        var put = await registry.PutAsync(request.ShopId, new ShopRegistration(request.Domain!, request.AllowTestOrders, request.Active), ct);
        if (put.Stored is not { } shop)
        {
            await Send.ResultAsync(WebhookProblem.For(StatusCodes.Status409Conflict, "domain_taken",
                "another shop is registered with this domain"));
            return;
        }
        await Send.OkAsync(ShopView.Of(shop), ct);
    }
}
