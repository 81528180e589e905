extern alias service;

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Referrals.Service.Tests.Infrastructure;
using service::Referrals.Service.Discovery;

namespace Referrals.Service.Tests.Deployment;

/// <summary>
/// The service's Consul registration (<see cref="ConsulSetup.AddConsulRegistration"/>, its hosted service started and
/// stopped as the host does) against <see cref="ConsulAgentStandIn"/>, which checks each body against Consul's
/// documented shape.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class ConsulRegistrationTests
{
    [Fact]
    public async Task The_instance_registers_on_start_and_deregisters_on_stop_with_the_acl_token()
    {
        await using var agent = await ConsulAgentStandIn.StartAsync(FreePorts.Take(1)[0]);
        await using var services = Services(agent.Address, token: "acl-token");
        var registration = services.GetServices<IHostedService>().OfType<ConsulRegistration>().Single();

        await registration.StartAsync(TestContext.Current.CancellationToken);
        var registered = await agent.WaitForCallAsync(call => call.Path == "/v1/agent/service/register", TimeSpan.FromSeconds(10));
        await registration.StopAsync(TestContext.Current.CancellationToken);

        agent.Refusals.ShouldBeEmpty();
        registered.Token.ShouldBe("acl-token");
        registered.Body!.Value.GetProperty("Name").GetString().ShouldBe("referrals");
        registered.Body.Value.GetProperty("ID").GetString().ShouldBe("referrals-node-1-50060");
        registered.Body.Value.GetProperty("Port").GetInt32().ShouldBe(50060);
        registered.Body.Value.GetProperty("Check").GetProperty("HTTP").GetString().ShouldBe("http://node-1:8080/health");
        var deregistered = agent.Calls[^1];
        deregistered.Path.ShouldBe("/v1/agent/service/deregister/referrals-node-1-50060");
        deregistered.Token.ShouldBe("acl-token");
    }

    [Fact]
    public async Task An_absent_agent_does_not_hold_the_start_and_the_registration_arrives_once_it_answers()
    {
        var port = FreePorts.Take(1)[0];
        await using var services = Services($"http://127.0.0.1:{port}", token: null);
        var registration = services.GetServices<IHostedService>().OfType<ConsulRegistration>().Single();

        // The start hands the registration to the background: it has finished before any call reached the agent.
        var starting = registration.StartAsync(TestContext.Current.CancellationToken);
        starting.IsCompletedSuccessfully.ShouldBeTrue();
        await starting;

        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken); // a first attempt or two fail
        await using var agent = await ConsulAgentStandIn.StartAsync(port);
        var registered = await agent.WaitForCallAsync(call => call.Path == "/v1/agent/service/register", TimeSpan.FromSeconds(15));
        await registration.StopAsync(TestContext.Current.CancellationToken);

        agent.Refusals.ShouldBeEmpty();
        registered.Token.ShouldBeNull();
        agent.Calls[^1].Path.ShouldBe("/v1/agent/service/deregister/referrals-node-1-50060");
    }

    [Fact]
    public async Task Stopping_while_the_agent_is_still_away_gives_up_instead_of_retrying_forever()
    {
        await using var services = Services($"http://127.0.0.1:{FreePorts.Take(1)[0]}", token: null);
        var registration = services.GetServices<IHostedService>().OfType<ConsulRegistration>().Single();
        await registration.StartAsync(TestContext.Current.CancellationToken);

        // Not a speed check: a stop that kept retrying the absent agent would never end (the guard is far above its 3 s budget).
        var stopping = registration.StopAsync(TestContext.Current.CancellationToken);

        await Should.NotThrowAsync(() => stopping.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
    }

    private static ServiceProvider Services(string agentAddress, string? token)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Consul:Address"] = agentAddress;
        builder.Configuration["Consul:Token"] = token;
        builder.Configuration["Consul:ServiceAddress"] = "node-1";
        builder.Configuration["Kestrel:Endpoints:Grpc:Url"] = "http://0.0.0.0:50060";
        builder.Configuration["Kestrel:Endpoints:Http:Url"] = "http://0.0.0.0:8080";
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddConsulRegistration();
        return builder.Services.BuildServiceProvider();
    }
}
