using System.Text.Json;
using Referrals.Service.Messaging;

namespace Referrals.Service.Features.Program;

/// <summary>
/// The program settings as the REST routes show and take them (snake_case; actions and the review timeout as
/// lower-case words: "off", "reject", "review"; "approve", "reject"). PUT replaces them whole: a field left out takes its
/// default. <see cref="UpdatedAt"/> is the server's (null: the shop never set any), ignored in a PUT.
/// </summary>
public sealed class ProgramSettingsBody
{
    public static readonly JsonSerializerOptions Json = WireJson.Options;

    public Guid ShopId { get; set; }
    public int HoldDays { get; set; } = ProgramSettings.DefaultHoldDays;
    public double MinRefundFractionToReverse { get; set; } = ProgramSettings.DefaultMinRefundFractionToReverse;
    public string ReviewTimeout { get; set; } = "approve";
    public FraudRulesBody Fraud { get; set; } = new();
    public List<MilestoneBody> Milestones { get; set; } = [];
    public DateTimeOffset? UpdatedAt { get; set; }

    public static ProgramSettingsBody Of(ProgramSettings settings) => new()
    {
        ShopId = settings.Id,
        UpdatedAt = settings.UpdatedAt == DateTimeOffset.MinValue ? null : settings.UpdatedAt,
        HoldDays = settings.HoldDays,
        MinRefundFractionToReverse = settings.MinRefundFractionToReverse,
        ReviewTimeout = Word(settings.ReviewTimeout),
        Fraud = FraudRulesBody.Of(settings.Fraud),
        Milestones = [.. settings.Milestones.Select(m => new MilestoneBody { Qualified = m.Qualified, Points = m.Points })],
    };

    public ProgramSettings ToSettings(Guid shopId, DateTimeOffset now) => new(shopId, now)
    {
        HoldDays = HoldDays,
        MinRefundFractionToReverse = MinRefundFractionToReverse,
        ReviewTimeout = Enum.Parse<ReviewTimeout>(ReviewTimeout, ignoreCase: true),
        Fraud = Fraud.ToRules(),
        Milestones = [.. Milestones.Select(m => new Milestone(m.Qualified, m.Points))],
    };

    public static string Word<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}

public sealed class FraudRulesBody
{
    public string NewCustomersOnly { get; set; } = "off";
    public MinimumSubtotalBody MinimumSubtotal { get; set; } = new();
    public AdvocateCapBody AdvocateCap { get; set; } = new();
    public string OneReferralPerBuyer { get; set; } = "off";
    public VelocityBody Velocity { get; set; } = new();

    public static FraudRulesBody Of(FraudRules rules) => new()
    {
        NewCustomersOnly = ProgramSettingsBody.Word(rules.NewCustomersOnly),
        MinimumSubtotal = new MinimumSubtotalBody
        {
            Action = ProgramSettingsBody.Word(rules.MinimumSubtotal.Action),
            AfterDiscounts = rules.MinimumSubtotal.AfterDiscounts,
            Minimums = [.. rules.MinimumSubtotal.Minimums.Select(m => new CurrencyMinimumBody { Currency = m.Currency, Amount = m.Amount })],
        },
        AdvocateCap = new AdvocateCapBody
        {
            Action = ProgramSettingsBody.Word(rules.AdvocateCap.Action),
            MaxConversions = rules.AdvocateCap.MaxConversions,
            PeriodDays = rules.AdvocateCap.PeriodDays,
        },
        OneReferralPerBuyer = ProgramSettingsBody.Word(rules.OneReferralPerBuyer),
        Velocity = new VelocityBody
        {
            Action = ProgramSettingsBody.Word(rules.Velocity.Action),
            MaxOrders = rules.Velocity.MaxOrders,
            WindowHours = rules.Velocity.WindowHours,
        },
    };

    public FraudRules ToRules() => new()
    {
        NewCustomersOnly = Action(NewCustomersOnly),
        MinimumSubtotal = new MinimumSubtotalRule(Action(MinimumSubtotal.Action), MinimumSubtotal.AfterDiscounts,
            [.. MinimumSubtotal.Minimums.Select(m => new CurrencyMinimum(m.Currency.ToUpperInvariant(), m.Amount))]),
        AdvocateCap = new AdvocateCapRule(Action(AdvocateCap.Action), AdvocateCap.MaxConversions, AdvocateCap.PeriodDays),
        OneReferralPerBuyer = Action(OneReferralPerBuyer),
        Velocity = new VelocityRule(Action(Velocity.Action), Velocity.MaxOrders, Velocity.WindowHours),
    };

    public static readonly string[] Actions = ["off", "reject", "review"];

    private static FraudAction Action(string word) => Enum.Parse<FraudAction>(word, ignoreCase: true);
}

public sealed class MinimumSubtotalBody
{
    public string Action { get; set; } = "off";
    public bool AfterDiscounts { get; set; } = true;
    public List<CurrencyMinimumBody> Minimums { get; set; } = [];
}

public sealed class CurrencyMinimumBody
{
    public string Currency { get; set; } = "";
    public decimal Amount { get; set; }
}

public sealed class AdvocateCapBody
{
    public string Action { get; set; } = "off";
    public int MaxConversions { get; set; } = AdvocateCapRule.Off.MaxConversions;
    public int PeriodDays { get; set; } = AdvocateCapRule.Off.PeriodDays;
}

public sealed class VelocityBody
{
    public string Action { get; set; } = "off";
    public int MaxOrders { get; set; } = VelocityRule.Off.MaxOrders;
    public int WindowHours { get; set; } = VelocityRule.Off.WindowHours;
}

public sealed class MilestoneBody
{
    public int Qualified { get; set; }
    public int Points { get; set; }
}
