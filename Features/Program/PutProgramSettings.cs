using FastEndpoints;
using FluentValidation;
using Marten;
using Referrals.Service.Auth;
using Referrals.Service.Correlation;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Messaging;
using Referrals.Service.Tenancy;
using Referrals.Service.Webhooks;
using Wolverine;
using Wolverine.Marten;

namespace Referrals.Service.Features.Program;

public sealed class PutProgramSettingsValidator : Validator<ProgramSettingsBody>
{
    public PutProgramSettingsValidator()
    {
        RuleFor(r => r.ShopId).NotEmpty();
        RuleFor(r => r.HoldDays).InclusiveBetween(0, 365);
        RuleFor(r => r.MinRefundFractionToReverse).InclusiveBetween(0.0, 1.0);
        RuleFor(r => r.ReviewTimeout).NotNull().Must(t => t is "approve" or "reject").WithMessage("approve or reject");
        RuleFor(r => r.Fraud).NotNull().SetValidator(new FraudRulesValidator());
        RuleFor(r => r.Milestones).NotNull().Must(m => m.Count <= MaxMilestones).WithMessage($"at most {MaxMilestones} milestones")
            .Must(m => m.Contains(null!) || m.Zip(m.Skip(1)).All(pair => pair.First.Qualified < pair.Second.Qualified))
            .WithMessage("strictly increasing by qualified");
        RuleForEach(r => r.Milestones).NotNull().ChildRules(milestone =>
        {
            milestone.RuleFor(m => m.Qualified).InclusiveBetween(1, 100_000);
            milestone.RuleFor(m => m.Points).InclusiveBetween(1, 1_000_000);
        });
    }

    public const int MaxMilestones = 20;

    private sealed class FraudRulesValidator : AbstractValidator<FraudRulesBody>
    {
        public FraudRulesValidator()
        {
            RuleFor(f => f.NewCustomersOnly).Must(IsAction).WithMessage(ActionMessage);
            RuleFor(f => f.OneReferralPerBuyer).Must(IsAction).WithMessage(ActionMessage);
            RuleFor(f => f.MinimumSubtotal).NotNull().ChildRules(rule =>
            {
                rule.RuleFor(m => m.Action).Must(IsAction).WithMessage(ActionMessage);
                rule.RuleFor(m => m.Minimums).NotNull().Must(m => m.Count <= 50).WithMessage("at most 50 currencies")
                    .Must(m => m.Select(c => c.Currency.ToUpperInvariant()).Distinct(StringComparer.Ordinal).Count() == m.Count)
                    .WithMessage("one minimum per currency");
                rule.RuleForEach(m => m.Minimums).ChildRules(minimum =>
                {
                    minimum.RuleFor(c => c.Currency).NotNull().Matches("^[A-Za-z]{3}$").WithMessage("an ISO 4217 code such as USD");
                    minimum.RuleFor(c => c.Amount).GreaterThan(0).LessThanOrEqualTo(1_000_000);
                });
            });
            RuleFor(f => f.AdvocateCap).NotNull().ChildRules(rule =>
            {
                rule.RuleFor(c => c.Action).Must(IsAction).WithMessage(ActionMessage);
                rule.RuleFor(c => c.MaxConversions).InclusiveBetween(1, 100_000);
                rule.RuleFor(c => c.PeriodDays).InclusiveBetween(1, 365);
            });
            RuleFor(f => f.Velocity).NotNull().ChildRules(rule =>
            {
                rule.RuleFor(v => v.Action).Must(IsAction).WithMessage(ActionMessage);
                rule.RuleFor(v => v.MaxOrders).InclusiveBetween(1, 10_000);
                rule.RuleFor(v => v.WindowHours).InclusiveBetween(1, 24 * 30);
            });
        }
    }

    private const string ActionMessage = "off, reject or review";

    private static bool IsAction(string? action) => action is not null && FraudRulesBody.Actions.Contains(action);
}

/// <summary>
/// PUT /shops/{shop_id}/program-settings: replaces the shop's program settings (`merchant:referrals:admin` of the shop).
/// Conversions from now on follow them; decided referrals stay as they are. Audited (`audit_log`: who, by token id or
/// customer id, and which settings changed; ids and setting names only).
/// </summary>
public sealed class PutProgramSettings(IMessageBus bus) : Endpoint<ProgramSettingsBody>
{
    public override void Configure()
    {
        Put(ProgramRoutes.Settings);
        Options(route => route.RequireRateLimiting(WebhookRateLimits.AdminPolicy));
        // Authorized before binding and validation: another shop's token hears 403, never what was wrong in the body.
        Policies(AccessPolicies.MerchantAdmin);
    }

    public override async Task HandleAsync(ProgramSettingsBody request, CancellationToken ct)
    {
        var caller = HttpContext.User.ToCaller();
        var changedBy = caller?.CustomerId is { } customer ? $"customer {customer}" : $"token {caller?.Jti}";
        var saved = await bus.InvokeForTenantAsync<ProgramSettingsBody>(request.ShopId.ToString(),
            new SaveProgramSettings(request.ShopId, request, changedBy), ct);
        await Send.ResultAsync(TypedResults.Json(saved, ProgramSettingsBody.Json));
    }
}

/// <summary>Store a shop's new program settings and audit the change.</summary>
public sealed record SaveProgramSettings(Guid ShopId, ProgramSettingsBody Settings, string ChangedBy);

public sealed record ProgramSettingsFacts(ProgramSettings Current, int AuditRetentionDays);

public static class SaveProgramSettingsHandler
{
    public const string AuditEntity = "program_settings";
    public const string AuditAction = "settings_changed";

    public static async Task<ProgramSettingsFacts> LoadAsync(SaveProgramSettings command, IQuerySession db, ShopDirectory shops,
        CancellationToken ct) =>
        new(await ProgramSettingsQueries.ForShopAsync(db, command.ShopId, ct), Shop.AuditRetentionOf(await shops.FindAsync(command.ShopId, ct)));

    public static (ProgramSettingsBody, IMartenOp, OutgoingMessages) Handle(SaveProgramSettings command, ProgramSettingsFacts facts,
        Envelope envelope, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var settings = command.Settings.ToSettings(command.ShopId, now);
        var correlationId = CorrelationId.Of(envelope);
        var audit = new AuditLogged(Guid.CreateVersion7(now), command.ShopId, AuditEntity, command.ShopId, AuditAction, null, null,
            $"{command.ChangedBy} changed {string.Join(", ", ChangedSettings(facts.Current, settings).DefaultIfEmpty("nothing"))}",
            facts.AuditRetentionDays, now, correlationId, AuditLogged.CurrentSchemaVersion);
        return (ProgramSettingsBody.Of(settings), MartenOps.Store(settings),
            [KafkaEnvelope.Publish(audit, command.ShopId, AuditLogged.EventType, AuditLogged.CurrentSchemaVersion, correlationId)]);
    }

    /// <summary>The names of the settings that differ (hold_days, fraud.velocity, …): what the audit record says changed.</summary>
    public static IEnumerable<string> ChangedSettings(ProgramSettings before, ProgramSettings after)
    {
        if (before.HoldDays != after.HoldDays)
            yield return "hold_days";
        if (!before.MinRefundFractionToReverse.Equals(after.MinRefundFractionToReverse))
            yield return "min_refund_fraction_to_reverse";
        if (before.ReviewTimeout != after.ReviewTimeout)
            yield return "review_timeout";
        if (before.Fraud.NewCustomersOnly != after.Fraud.NewCustomersOnly)
            yield return "fraud.new_customers_only";
        if (before.Fraud.MinimumSubtotal.Action != after.Fraud.MinimumSubtotal.Action
            || before.Fraud.MinimumSubtotal.AfterDiscounts != after.Fraud.MinimumSubtotal.AfterDiscounts
            || !before.Fraud.MinimumSubtotal.Minimums.SequenceEqual(after.Fraud.MinimumSubtotal.Minimums))
            yield return "fraud.minimum_subtotal";
        if (before.Fraud.AdvocateCap != after.Fraud.AdvocateCap)
            yield return "fraud.advocate_cap";
        if (before.Fraud.OneReferralPerBuyer != after.Fraud.OneReferralPerBuyer)
            yield return "fraud.one_referral_per_buyer";
        if (before.Fraud.Velocity != after.Fraud.Velocity)
            yield return "fraud.velocity";
        if (!before.Milestones.SequenceEqual(after.Milestones))
            yield return "milestones";
    }
}
