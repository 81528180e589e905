extern alias service;

using Confluent.SchemaRegistry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using service::Referrals.Service.Messaging;

namespace Referrals.Service.Tests.Contracts;

[Trait("Tier", "Unit")]
public sealed class SchemaRegistrySettingTests
{
    [Fact]
    public void A_configured_schema_registry_url_brings_confluents_registry_client_for_that_url()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration[KafkaEventContracts.SchemaRegistryUrlKey] = "http://registry.invalid:8081";

        var enabled = builder.AddSchemaRegistryWhenConfigured();

        enabled.ShouldBeTrue();
        using var services = builder.Services.BuildServiceProvider();
        var client = services.GetRequiredService<ISchemaRegistryClient>().ShouldBeOfType<CachedSchemaRegistryClient>();
        client.Config.ShouldContain(setting => setting.Value == "http://registry.invalid:8081");
    }

    [Fact]
    public void Without_a_schema_registry_url_events_stay_json_and_no_registry_client_exists()
    {
        var builder = WebApplication.CreateSlimBuilder();

        var enabled = builder.AddSchemaRegistryWhenConfigured();

        enabled.ShouldBeFalse();
        using var services = builder.Services.BuildServiceProvider();
        services.GetService<ISchemaRegistryClient>().ShouldBeNull();
    }
}
