using System.Globalization;

namespace Referrals.Service.Operator;

/// <summary>A progress line about once a second, and a summary at the end.</summary>
public sealed class Progress(int total, Pacer pacer)
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);
    private int _sent;
    private TimeSpan _lastReport;

    public int Sent => _sent;

    public async Task SentAsync(TextWriter output)
    {
        _sent++;
        if (pacer.Elapsed - _lastReport >= Every || _sent == total)
        {
            _lastReport = pacer.Elapsed;
            await output.WriteLineAsync($"  sent {_sent}/{total} ({Rate()}/s)");
        }
    }

    public Task DoneAsync(TextWriter output, bool interrupted) => output.WriteLineAsync(interrupted
        ? $"Interrupted: {_sent} of {total} sent. Run the same command again to send the rest; nothing is sent twice."
        : $"Done: {_sent} sent in {pacer.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s ({Rate()}/s).");

    private string Rate() =>
        (pacer.Elapsed.TotalSeconds > 0 ? _sent / pacer.Elapsed.TotalSeconds : 0).ToString("0.0", CultureInfo.InvariantCulture);
}
