extern alias service;

using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using service::Referrals.Service.Discovery;

namespace Referrals.Service.Tests.Deployment;

/// <summary>What the service tells Consul about itself, built from configuration.</summary>
[Trait("Tier", "Unit")]
public sealed class ConsulServiceDefinitionTests
{
    private static ConsulSettings? Settings(Dictionary<string, string?> values) =>
        ConsulSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    [Fact]
    public void The_registration_body_names_the_grpc_port_and_an_http_check_on_health_with_consuls_field_names()
    {
        var settings = Settings(new()
        {
            ["Consul:Address"] = "http://127.0.0.1:8500",
            ["Consul:ServiceAddress"] = "10.0.0.7",
            ["Kestrel:Endpoints:Grpc:Url"] = "http://0.0.0.0:50061",
            ["Kestrel:Endpoints:Http:Url"] = "http://0.0.0.0:8081",
        })!;

        var body = JsonSerializer.Serialize(ConsulServiceDefinition.For(settings));

        body.ShouldBe("""
            {"ID":"referrals-10.0.0.7-50061","Name":"referrals","Tags":["grpc"],"Address":"10.0.0.7","Port":50061,"Check":{"HTTP":"http://10.0.0.7:8081/health","Interval":"10s","Timeout":"5s","DeregisterCriticalServiceAfter":"1m"}}
            """);
    }

    [Fact]
    public void Every_part_of_the_registration_can_be_set()
    {
        var settings = Settings(new()
        {
            ["Consul:Address"] = "http://consul.internal:8500",
            ["Consul:Token"] = "acl-token",
            ["Consul:ServiceId"] = "referrals-pod-7f9c",
            ["Consul:ServiceAddress"] = "referrals-7f9c.pods",
            ["Consul:ServicePort"] = "6000",
            ["Consul:Tags:0"] = "grpc",
            ["Consul:Tags:1"] = "v1",
            ["Consul:HealthUrl"] = "http://referrals-7f9c.pods:8080/health",
            ["Consul:CheckInterval"] = "15s",
            ["Consul:CheckTimeout"] = "2s",
            ["Consul:DeregisterCriticalServiceAfter"] = "90m",
        })!;

        var definition = ConsulServiceDefinition.For(settings);

        settings.Token.ShouldBe("acl-token");
        definition.ShouldBe(new ConsulServiceDefinition("referrals-pod-7f9c", "referrals", definition.Tags, "referrals-7f9c.pods", 6000,
            new ConsulHttpCheck("http://referrals-7f9c.pods:8080/health", "15s", "2s", "90m")));
        definition.Tags.ShouldBe(["grpc", "v1"]);
    }

    [Fact]
    public void Two_instances_on_one_host_get_distinct_ids_from_their_grpc_ports()
    {
        static string IdOf(string grpcUrl) => Settings(new()
        {
            ["Consul:Address"] = "http://127.0.0.1:8500",
            ["Consul:ServiceAddress"] = "node-1",
            ["Kestrel:Endpoints:Grpc:Url"] = grpcUrl,
        })!.ServiceId;

        IdOf("http://*:50060").ShouldNotBe(IdOf("http://*:50062"));
    }

    [Fact]
    public void Without_a_consul_address_nothing_registers()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var before = builder.Services.Count(service => service.ServiceType == typeof(IHostedService));

        builder.AddConsulRegistration();

        Settings([]).ShouldBeNull();
        builder.Services.Count(service => service.ServiceType == typeof(IHostedService)).ShouldBe(before);
    }
}
