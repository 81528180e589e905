extern alias service;

using Confluent.SchemaRegistry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using service::Referrals.Service.Messaging;
using service::Referrals.Service.Messaging.EventContracts;

namespace Referrals.Service.Tests.Contracts;

[Trait("Tier", "Unit")]
public sealed class SchemaRegistrySettingTests
{
    [Fact]
    public void A_configured_schema_registry_url_brings_confluents_registry_client_and_events_stay_json()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration[KafkaEventContracts.SchemaRegistryUrlKey] = "http://registry.invalid:8081";

        var writesAvro = builder.AddSchemaRegistryWhenConfigured();

        writesAvro.ShouldBeFalse();
        using var services = builder.Services.BuildServiceProvider();
        var client = services.GetRequiredService<ISchemaRegistryClient>().ShouldBeOfType<CachedSchemaRegistryClient>();
        client.Config.ShouldContain(setting => setting.Value == "http://registry.invalid:8081");
        services.GetRequiredService<KafkaWire>().ShouldBe(KafkaWire.Json);
    }

    [Fact]
    public void Without_a_schema_registry_url_events_stay_json_and_no_registry_client_exists()
    {
        var builder = WebApplication.CreateSlimBuilder();

        var writesAvro = builder.AddSchemaRegistryWhenConfigured();

        writesAvro.ShouldBeFalse();
        using var services = builder.Services.BuildServiceProvider();
        services.GetService<ISchemaRegistryClient>().ShouldBeNull();
    }

    [Theory]
    [InlineData("Development", true)]
    [InlineData("Production", false)]
    public void Avro_on_the_wire_is_one_setting_and_registers_schemas_itself_only_in_development(string environment, bool autoRegister)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration[KafkaEventContracts.SchemaRegistryUrlKey] = "http://registry.invalid:8081";
        builder.Configuration[KafkaEventContracts.WireFormatKey] = "avro";

        builder.AddSchemaRegistryWhenConfigured().ShouldBeTrue();

        using var services = builder.Services.BuildServiceProvider();
        services.GetRequiredService<KafkaWire>().ShouldBe(new KafkaWire(KafkaWireFormat.Avro, autoRegister));
    }

    [Fact]
    public void Avro_on_the_wire_without_a_registry_is_refused_at_start_with_the_missing_setting()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration[KafkaEventContracts.WireFormatKey] = "avro";

        Should.Throw<InvalidOperationException>(() => builder.AddSchemaRegistryWhenConfigured())
            .Message.ShouldContain(KafkaEventContracts.SchemaRegistryUrlKey);
    }

    [Fact]
    public void Registry_basic_auth_and_a_private_ca_pass_through_as_the_clients_own_settings()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration[SchemaRegistrySettings.UrlKey] = "https://registry.invalid:8081";
        builder.Configuration["Kafka:SchemaRegistry:basic.auth.user.info"] = "referrals:secret";
        // As an environment variable: Kafka__SchemaRegistry__ssl_ca_location.
        builder.Configuration["Kafka:SchemaRegistry:ssl_ca_location"] = "/etc/registry/ca.pem";

        var config = SchemaRegistrySettings.From(builder.Configuration).ShouldNotBeNull();

        config.Url.ShouldBe("https://registry.invalid:8081");
        config.BasicAuthUserInfo.ShouldBe("referrals:secret");
        config.BasicAuthCredentialsSource.ShouldBe(AuthCredentialsSource.UserInfo);
        config.SslCaLocation.ShouldBe("/etc/registry/ca.pem");
        // Confluent's client takes it: it opens the CA file the setting names.
        Should.Throw<IOException>(() => new CachedSchemaRegistryClient(config)).Message.ShouldContain("/etc/registry/ca.pem");
    }
}
