using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The Aspire conventions every process of this solution shares: OpenTelemetry over OTLP, health
/// checks split into liveness and readiness, resilient outgoing HTTP/gRPC and service discovery.
/// </summary>
public static class Extensions
{
    /// <summary>Health checks tagged "live" answer /health; every other check answers /ready.</summary>
    public const string LiveTag = "live";

    /// <summary>The liveness check: the process answers.</summary>
    public const string SelfCheck = "self";

    /// <summary>A file every finished span is appended to as a JSON line (tests; off when unset).</summary>
    public const string SpanFileSetting = "Telemetry:SpanFile";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureJsonConsoleLogging();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>Registers a meter name so its instruments reach OTLP and /metrics.</summary>
    public static TBuilder AddServiceMeter<TBuilder>(this TBuilder builder, string meterName) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(meterName));
        return builder;
    }

    /// <summary>
    /// One flat JSON object per log line (<see cref="FlatJsonConsoleFormatter"/>), scopes included, so shop_id,
    /// event_type and correlation_id travel with every entry and Loki reads them without unnesting.
    /// </summary>
    public static TBuilder ConfigureJsonConsoleLogging<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.FormatterName = FlatJsonConsoleFormatter.FormatterName);
        builder.Logging.AddConsoleFormatter<FlatJsonConsoleFormatter, FlatJsonConsoleFormatterOptions>(options =>
        {
            options.IncludeScopes = true;
            options.Service = ServiceName(builder);
            options.Version = FlatJsonConsoleFormatter.VersionOf(System.Reflection.Assembly.GetEntryAssembly());
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                // Wolverine (send, receive, handler) and Marten (sessions) spans; Wolverine carries the trace
                // context in its envelopes, through the durable inbox/outbox and the Kafka headers.
                .AddSource("Wolverine", "Marten")
                .AddProcessor(new BackgroundSpanFilter())
                .AddTraceSampling(builder.Configuration)
                .AddAspNetCoreInstrumentation(aspnet =>
                    // Probes and scrapes would drown the traces that matter.
                    aspnet.Filter = context => !IsInfrastructurePath(context.Request.Path))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation());

        if (builder.Configuration[SpanFileSetting] is { Length: > 0 } spanFile)
            builder.Services.AddOpenTelemetry().WithTracing(tracing =>
                tracing.AddProcessor(new SimpleActivityExportProcessor(new SpanFileExporter(spanFile))));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            builder.Services.AddOpenTelemetry().UseOtlpExporter();

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck(SelfCheck, () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddSingleton<DependencyReadiness>();
        builder.Services.AddSingleton<IHealthCheckPublisher>(services => services.GetRequiredService<DependencyReadiness>());
        builder.Services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.FromSeconds(2);
            options.Period = TimeSpan.FromSeconds(10);
            options.Predicate = check => !check.Tags.Contains(LiveTag);
        });
        builder.AddServiceMeter(DependencyReadiness.MeterName);
        return builder;
    }

    /// <summary>
    /// /health (liveness: the process answers, no dependency), /ready (503 only while a check is Unhealthy: the checks
    /// of dependencies the service works without, Redis and Kafka, report Degraded instead; every check's status is
    /// in the JSON body), /metrics (Prometheus text).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapHealthChecks("/ready", new HealthCheckOptions
        {
            Predicate = check => !check.Tags.Contains(LiveTag) || check.Name == SelfCheck,
            ResponseWriter = DependencyReadiness.WriteReadyBodyAsync,
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>The resource name Aspire gives the process (OTEL_SERVICE_NAME), else the application name.</summary>
    private static string ServiceName(IHostApplicationBuilder builder) =>
        builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : builder.Environment.ApplicationName;

    private static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/ready") || path.StartsWithSegments("/metrics");
}
