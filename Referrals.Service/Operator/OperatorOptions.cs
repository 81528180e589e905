using System.CommandLine;

namespace Referrals.Service.Operator;

/// <summary>What an operator command was asked to do, once its options are valid.</summary>
public sealed record OperatorRequest(EventFilter Filter, bool Apply, double Rate);

/// <summary>The options reprocess-dlq and replay share: filters, --apply, --rate.</summary>
public sealed class OperatorOptions
{
    private readonly Option<string?> _shop = new("--shop") { Description = "Only this shop (shop_id, a UUID)." };
    private readonly Option<string?> _eventType = new("--event-type") { Description = "Only this event type." };
    private readonly Option<string?> _from = new("--from") { Description = "Only events at or after this time (ISO 8601, UTC unless an offset is given)." };
    private readonly Option<string?> _to = new("--to") { Description = "Only events before this time (ISO 8601)." };
    private readonly Option<bool> _apply = new("--apply") { Description = "Send. Without it, a dry run that changes nothing." };
    private readonly Option<double> _rate = new("--rate")
    {
        Description = "Events sent per second (0 = as fast as possible).",
        DefaultValueFactory = _ => 100,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_shop);
        command.Options.Add(_eventType);
        command.Options.Add(_from);
        command.Options.Add(_to);
        command.Options.Add(_apply);
        command.Options.Add(_rate);
    }

    /// <summary>The request, or null after printing what is wrong with the options to stderr.</summary>
    public OperatorRequest? Read(ParseResult result, IReadOnlyCollection<string> knownEventTypes)
    {
        var (filter, errors) = EventFilter.Parse(result.GetValue(_shop), result.GetValue(_eventType), result.GetValue(_from),
            result.GetValue(_to), knownEventTypes);
        var rate = result.GetValue(_rate);
        var problems = errors.ToList();
        if (rate < 0 || double.IsNaN(rate))
            problems.Add($"--rate {rate} must be zero (unthrottled) or a positive number of events per second.");
        foreach (var problem in problems)
            Console.Error.WriteLine($"error: {problem}");
        return problems.Count == 0 ? new OperatorRequest(filter!, result.GetValue(_apply), rate) : null;
    }
}
