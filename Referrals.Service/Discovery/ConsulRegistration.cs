using System.Net.Http.Json;

namespace Referrals.Service.Discovery;

/// <summary>
/// Registers this instance with the Consul agent on start and deregisters it on stop (<see cref="ConsulSettings"/>).
/// Start-up does not wait for the agent: registration runs in the background and is retried (1 s, doubling to 30 s)
/// while the agent does not answer, each failure a Warning. Deregistration on stop gets a few seconds, then gives up:
/// Consul removes a silent instance after DeregisterCriticalServiceAfter anyway.
/// </summary>
public sealed class ConsulRegistration : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DeregisterTimeout = TimeSpan.FromSeconds(3);

    private readonly ConsulSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger<ConsulRegistration> _logger;
    private readonly HttpClient _agent;
    private readonly CancellationTokenSource _stopping = new();
    private Task _registering = Task.CompletedTask;

    public ConsulRegistration(ConsulSettings settings, TimeProvider clock, ILogger<ConsulRegistration> logger)
    {
        _settings = settings;
        _clock = clock;
        _logger = logger;
        // Its own client: the default resilience handler's retries would hold a stopping instance back.
        _agent = new HttpClient { BaseAddress = settings.Address, Timeout = TimeSpan.FromSeconds(5) };
        if (settings.Token is { } token)
            _agent.DefaultRequestHeaders.Add("X-Consul-Token", token);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registering = RegisterUntilDoneAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _registering;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(DeregisterTimeout);
        try
        {
            using var answer = await _agent.PutAsync(
                $"v1/agent/service/deregister/{Uri.EscapeDataString(_settings.ServiceId)}", content: null, deadline.Token);
            answer.EnsureSuccessStatusCode();
            _logger.LogInformation("Deregistered {ServiceId} from Consul", _settings.ServiceId);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            _logger.LogWarning("Could not deregister {ServiceId} from Consul ({Reason}); Consul drops it once its check has failed for {After}",
                _settings.ServiceId, e.Message, _settings.DeregisterCriticalServiceAfter);
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _agent.Dispose();
    }

    private async Task RegisterUntilDoneAsync(CancellationToken stopping)
    {
        var definition = ConsulServiceDefinition.For(_settings);
        var retryAfter = FirstRetry;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                using var answer = await _agent.PutAsJsonAsync("v1/agent/service/register", definition, stopping);
                answer.EnsureSuccessStatusCode();
                _logger.LogInformation("Registered {ServiceId} with Consul at {Agent}", _settings.ServiceId, _settings.Address);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                _logger.LogWarning("Consul agent at {Agent} did not take the registration of {ServiceId} ({Reason}); retried in {RetryAfter}",
                    _settings.Address, _settings.ServiceId, e.Message, retryAfter);
            }

            try
            {
                await Task.Delay(retryAfter, _clock, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            retryAfter = TimeSpan.FromTicks(Math.Min(retryAfter.Ticks * 2, LongestRetry.Ticks));
        }
    }
}

public static class ConsulSetup
{
    /// <summary>Consul registration when `Consul:Address` is set; nothing at all otherwise.</summary>
    public static WebApplicationBuilder AddConsulRegistration(this WebApplicationBuilder builder)
    {
        if (ConsulSettings.From(builder.Configuration) is not { } settings)
            return builder;

        builder.Services.AddSingleton(settings);
        builder.Services.AddHostedService<ConsulRegistration>();
        return builder;
    }
}
