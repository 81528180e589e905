using FastEndpoints;
using FluentValidation.Results;
using Marten;
using Referrals.Service.Auth;
using Wolverine;
using Wolverine.Marten;
using Referrals.Service.Caching;
using Referrals.Service.Messaging;
using Referrals.Service.Correlation;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Features.Translations;

/// <summary>A shop's admin adds a new version of the shop's own wording of a message in one locale, for that shop only.</summary>
public sealed record AddTranslationOverride(Guid ShopId, string Key, string Locale, string Value);

/// <summary>The key's platform defaults (every version) and the shop's overrides of it (read in the shop's session).</summary>
public sealed record TranslationOverrideFacts(IReadOnlyList<Translation> Defaults, IReadOnlyList<TranslationOverride> Overrides);

public static class AddTranslationOverrideHandler
{
    public static async Task<TranslationOverrideFacts> LoadAsync(AddTranslationOverride command, IQuerySession db, CancellationToken ct) =>
        new(await db.Query<Translation>().Where(t => t.Key == command.Key).ToListAsync(ct),
            await db.Query<TranslationOverride>().Where(t => t.Key == command.Key).ToListAsync(ct));

    public static (TranslationVersionAdded, IMartenOp, OutgoingMessages) Handle(
        AddTranslationOverride command, TranslationOverrideFacts facts, Envelope envelope, TimeProvider clock)
    {
        var overrides = facts.Overrides.GroupBy(t => t.Locale).ToDictionary(g => g.Key, g => g.MaxBy(t => t.Version)!);
        // The rules judge the text against what the shop's customers read in the other locales: its overrides where it
        // has them, the platform defaults elsewhere.
        var effective = facts.Defaults.GroupBy(t => t.Locale).ToDictionary(g => g.Key, g => g.MaxBy(t => t.Version)!.Value);
        foreach (var (locale, shopText) in overrides)
            effective[locale] = shopText.Value;
        var broken = TranslationRules.Check(command.Key, command.Locale, command.Value,
            facts.Defaults.Count == 0 ? new Dictionary<string, string>() : effective);
        if (broken.Count > 0)
            return (new TranslationVersionAdded(null, broken), MartenOps.Nothing(), []);

        var now = clock.GetUtcNow();
        var version = overrides.TryGetValue(command.Locale, out var latest) ? latest.Version + 1 : 1;
        var added = new TranslationOverride(Guid.CreateVersion7(now), command.Key, command.Locale, command.Value, version, now);
        var invalidate = new CacheInvalidate(LocalizedMessages.OverrideCacheKey(command.ShopId, command.Key, command.Locale),
            command.ShopId, LocalizedMessages.CacheType, command.Locale, now);
        return (new TranslationVersionAdded(TranslationView.From(added, isCurrent: true), []), MartenOps.Insert(added),
            [KafkaEnvelope.Publish(invalidate, command.ShopId, CacheInvalidate.EventType, CacheInvalidate.SchemaVersion,
                CorrelationId.Of(envelope))]);
    }
}

public sealed class AddTranslationOverrideRequest
{
    public Guid ShopId { get; init; }
    public string Key { get; init; } = "";
    public string Locale { get; init; } = "";
    public string Value { get; init; } = "";
}

/// <summary>
/// POST /admin/shops/{shopId}/translations — 201 with the shop's new current override, or 400 naming the broken rules.
/// Only that shop's customers read it; the platform default stays as it is.
/// </summary>
public sealed class AddTranslationOverrideEndpoint(IMessageBus bus, CacheEntries cache)
    : Endpoint<AddTranslationOverrideRequest, TranslationView>
{
    public override void Configure()
    {
        Post("/admin/shops/{shopId}/translations");
        Options(route => route.RequireRateLimiting(WebhookRateLimits.AdminPolicy));
        Policies(AccessPolicies.MerchantAdmin);
    }

    public override async Task HandleAsync(AddTranslationOverrideRequest request, CancellationToken ct)
    {
        var result = await bus.InvokeForTenantAsync<TranslationVersionAdded>(request.ShopId.ToString(),
            new AddTranslationOverride(request.ShopId, request.Key, request.Locale, request.Value), ct);
        foreach (var rule in result.Broken)
            AddError(new ValidationFailure(rule.Field, $"{rule.Rule}: {rule.Reason}") { ErrorCode = rule.Rule });
        ThrowIfAnyErrors();

        // Committed: the shop's next lookup reads the new version (the cache.invalidate event drops it again later).
        await cache.TryDropAsync(LocalizedMessages.OverrideCacheKey(request.ShopId, request.Key, request.Locale));
        await Send.ResponseAsync(result.Added!, StatusCodes.Status201Created, ct);
    }
}
