using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Head sampling of traces (`Telemetry:TraceSampleRatio`, 1 = every trace, the default): a trace that starts here is
/// exported with that probability, decided once from its trace id; a trace that came with a context follows its
/// caller's decision, so a trace is whole or absent. The trace id is made and propagated either way (logs carry it).
/// A root span left out is still recorded, so <see cref="KeepFailedSpans"/> can export it when it ends in error; its
/// children are not recorded at all, which is where the saving is.
/// </summary>
public static class TraceSampling
{
    public const string RatioSetting = "Telemetry:TraceSampleRatio";

    public static TracerProviderBuilder AddTraceSampling(this TracerProviderBuilder tracing, IConfiguration configuration)
    {
        var ratio = Math.Clamp(configuration.GetValue(RatioSetting, 1.0), 0, 1);
        return tracing.SetSampler(new ParentBasedSampler(new RatioOrRecordOnly(ratio))).AddProcessor(new KeepFailedSpans());
    }

    private sealed class RatioOrRecordOnly(double ratio) : Sampler
    {
        private readonly TraceIdRatioBasedSampler _ratio = new(ratio);

        public override SamplingResult ShouldSample(in SamplingParameters parameters) =>
            _ratio.ShouldSample(parameters).Decision == SamplingDecision.RecordAndSample
                ? new SamplingResult(SamplingDecision.RecordAndSample)
                : new SamplingResult(SamplingDecision.RecordOnly);
    }
}

/// <summary>
/// A span that ends in error is exported whatever the sampling said (registered before the exporters, which only
/// export spans marked recorded).
/// </summary>
public sealed class KeepFailedSpans : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        if (data.IsAllDataRequested && data.Status == ActivityStatusCode.Error)
            data.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
    }
}
