using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Referrals.Service.Tests.Performance;

[Trait("Tier", "Unit")]
public sealed class TraceSamplingTests
{
    private static readonly ActivitySource Source = new("Referrals.Tests.TraceSampling");

    [Fact]
    public void Every_trace_is_exported_when_no_ratio_is_set()
    {
        var exported = new List<string>();
        using (Tracing(exported, ratio: null))
            Source.StartActivity("request")?.Dispose();

        exported.ShouldBe(["request"]);
    }

    [Fact]
    public void A_trace_left_out_by_the_ratio_is_not_exported_and_its_children_are_not_recorded()
    {
        var exported = new List<string>();
        using (Tracing(exported, ratio: 0))
        {
            using var request = Source.StartActivity("request");
            using var child = Source.StartActivity("redis");
            request.ShouldNotBeNull();
            request.TraceId.ShouldNotBe(default); // the logs still carry a trace id
            (child?.IsAllDataRequested ?? false).ShouldBeFalse();
        }

        exported.ShouldBeEmpty();
    }

    [Fact]
    public void A_span_that_ends_in_error_is_exported_whatever_the_ratio()
    {
        var exported = new List<string>();
        using (Tracing(exported, ratio: 0))
        {
            Source.StartActivity("fine")?.Dispose();
            using var failed = Source.StartActivity("failed");
            failed!.SetStatus(ActivityStatusCode.Error);
        }

        exported.ShouldBe(["failed"]);
    }

    [Fact]
    public void A_trace_that_came_sampled_from_the_caller_is_exported_whatever_the_ratio()
    {
        var exported = new List<string>();
        var caller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        using (Tracing(exported, ratio: 0))
            Source.StartActivity("consume", ActivityKind.Consumer, caller)?.Dispose();

        exported.ShouldBe(["consume"]);
    }

    private static TracerProvider Tracing(List<string> exported, double? ratio)
    {
        var settings = new Dictionary<string, string?>();
        if (ratio is { } r)
            settings[TraceSampling.RatioSetting] = r.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return Sdk.CreateTracerProviderBuilder()
            .AddSource(Source.Name)
            .AddTraceSampling(configuration)
            .AddProcessor(new SimpleActivityExportProcessor(new ListExporter(exported)))
            .Build()!;
    }

    private sealed class ListExporter(List<string> names) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch)
                names.Add(activity.DisplayName);
            return ExportResult.Success;
        }
    }
}
