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

/// <summary>A platform operator adds a new version of a platform default in one locale; it becomes the current one.</summary>
public sealed record AddTranslationVersion(string Key, string Locale, string Value);

public sealed record TranslationVersionAdded(TranslationView? Added, IReadOnlyList<BrokenRule> Broken);

public static class AddTranslationVersionHandler
{
    /// <summary>
    /// The platform's own changes are keyed by the nil shop id on `cache.invalidate`: they concern every shop that
    /// has no override, not one shop.
    /// </summary>
    public static readonly Guid PlatformShopId = Guid.Empty;

    public static async Task<IReadOnlyList<Translation>> LoadAsync(AddTranslationVersion command, IQuerySession db, CancellationToken ct) =>
        await db.Query<Translation>().Where(t => t.Key == command.Key).ToListAsync(ct);

    public static (TranslationVersionAdded, IMartenOp, OutgoingMessages) Handle(
        AddTranslationVersion command, IReadOnlyList<Translation> versions, Envelope envelope, TimeProvider clock)
    {
        var current = versions.GroupBy(t => t.Locale).ToDictionary(g => g.Key, g => g.MaxBy(t => t.Version)!);
        var broken = TranslationRules.Check(command.Key, command.Locale, command.Value,
            current.ToDictionary(c => c.Key, c => c.Value.Value));
        if (broken.Count > 0)
            return (new TranslationVersionAdded(null, broken), MartenOps.Nothing(), []);

        var now = clock.GetUtcNow();
        var version = current.TryGetValue(command.Locale, out var latest) ? latest.Version + 1 : 1;
        var added = new Translation(Guid.CreateVersion7(now), command.Key, command.Locale, command.Value, version, now, CreatedByShopId: null);
        // Other holders of the text (the frontend, Points) drop their copies; so does this service's consumer.
        var invalidate = new CacheInvalidate(LocalizedMessages.CacheKey(command.Key, command.Locale), PlatformShopId,
            LocalizedMessages.CacheType, command.Locale, now);
        return (new TranslationVersionAdded(TranslationView.From(added, isCurrent: true), []), MartenOps.Insert(added),
            [KafkaEnvelope.Publish(invalidate, PlatformShopId, CacheInvalidate.EventType, CacheInvalidate.SchemaVersion,
                CorrelationId.Of(envelope))]);
    }
}

public sealed class AddTranslationVersionRequest
{
    public string Key { get; init; } = "";
    public string Locale { get; init; } = "";
    public string Value { get; init; } = "";
}

/// <summary>POST /admin/translations — 201 with the new current platform default, or 400 naming the broken rules.</summary>
public sealed class AddTranslationVersionEndpoint(IMessageBus bus, CacheEntries cache)
    : Endpoint<AddTranslationVersionRequest, TranslationView>
{
    public override void Configure()
    {
        Post("/admin/translations");
        Options(route => route.RequireRateLimiting(WebhookRateLimits.AdminPolicy));
        Policies(AccessPolicies.PlatformOperator);
    }

    public override async Task HandleAsync(AddTranslationVersionRequest request, CancellationToken ct)
    {
        var result = await bus.InvokeAsync<TranslationVersionAdded>(
            new AddTranslationVersion(request.Key, request.Locale, request.Value), ct);
        foreach (var rule in result.Broken)
            AddError(new ValidationFailure(rule.Field, $"{rule.Rule}: {rule.Reason}") { ErrorCode = rule.Rule });
        ThrowIfAnyErrors();

        // Committed: the next lookup reads the new version (the cache.invalidate event drops it again later).
        await cache.TryDropAsync(LocalizedMessages.CacheKey(request.Key, request.Locale));
        await Send.ResponseAsync(result.Added!, StatusCodes.Status201Created, ct);
    }
}
