using Confluent.Kafka;

namespace Referrals.Service.Operator;

/// <summary>
/// How both operator commands send: paced by <see cref="Pacer"/>, in chunks of up to a tenth of a second's worth
/// (200 when unthrottled) produced together, each chunk noted as sent once Kafka acknowledged all of it. Ctrl+C stops
/// taking new records; what is already in flight is awaited and noted, so a rerun never sends anything twice. A record
/// Kafka refused stops the command with that error; it and what followed it in its chunk are not noted, so the rerun
/// sends them (consumers are idempotent on event ids).
/// </summary>
public sealed class PacedSends(IProducer<byte[]?, byte[]?> producer, double ratePerSecond)
{
    private const int UnthrottledChunk = 200;

    private readonly Pacer _pacer = new(ratePerSecond);
    private readonly int _chunk = ratePerSecond <= 0 ? UnthrottledChunk : (int)Math.Clamp(ratePerSecond / 10, 1, UnthrottledChunk);

    public async Task<Progress> SendAsync<T>(IReadOnlyList<T> items, Func<T, (string Topic, Message<byte[]?, byte[]?> Record)> recordOf,
        Func<IReadOnlyList<T>, Task> noteSent, TextWriter output, CancellationToken ct)
    {
        var progress = new Progress(items.Count, _pacer);
        for (var start = 0; start < items.Count && !ct.IsCancellationRequested; start += _chunk)
        {
            var chunk = new List<T>();
            var sends = new List<Task>();
            foreach (var item in items.Skip(start).Take(_chunk))
            {
                try
                {
                    await _pacer.WaitTurnAsync(ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                var (topic, record) = recordOf(item);
                sends.Add(producer.ProduceAsync(topic, record, CancellationToken.None));
                chunk.Add(item);
            }

            var failures = await Task.WhenAll(sends.Select(FailureOfAsync));
            // The acknowledged prefix: after a refusal the command stops, and the rerun starts from the refused record.
            var sent = chunk.TakeWhile((_, i) => failures[i] is null).ToList();
            if (sent.Count > 0)
                await noteSent(sent);
            foreach (var _ in sent)
                await progress.SentAsync(output);
            if (failures.FirstOrDefault(f => f is not null) is { } failure)
                throw failure;
            if (chunk.Count == 0)
                break;
        }
        return progress;
    }

    private static async Task<Exception?> FailureOfAsync(Task send)
    {
        try
        {
            await send;
            return null;
        }
        catch (ProduceException<byte[]?, byte[]?> e)
        {
            return e;
        }
    }
}
