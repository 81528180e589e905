using System.CommandLine;
using System.Text.Json;
using Marten;
using Referrals.Service.Platform;

namespace Referrals.Service.Tenancy;

/// <summary>
/// `dotnet Referrals.Service.dll shops put &lt;shop_id&gt; --domain x.myshopify.com [--allow-test-orders] [--inactive]`:
/// the registry's PUT for an operator at a shell (first install, no token at hand). Connects like the service does
/// and prints the stored shop as JSON. A running service sees the change within <see cref="ShopDirectory.CacheFor"/>.
/// </summary>
public static class ShopsCommand
{
    public const string Name = "shops";

    public static Command Create()
    {
        var shopId = new Argument<Guid>("shop_id") { Description = "the shop's platform id (the tenant id)" };
        var domain = new Option<string>("--domain") { Description = "the shop's permanent <handle>.myshopify.com domain", Required = true };
        var allowTestOrders = new Option<bool>("--allow-test-orders") { Description = "test orders convert too" };
        var inactive = new Option<bool>("--inactive") { Description = "registered, but its webhooks are ignored (as after an uninstall)" };
        var put = new Command("put", "Register a shop or replace what the registry says of it") { shopId, domain, allowTestOrders, inactive };
        put.SetAction((parsed, ct) => PutAsync(parsed.GetValue(shopId),
            new ShopRegistration(parsed.GetValue(domain)!, parsed.GetValue(allowTestOrders), !parsed.GetValue(inactive)), ct));
        return new Command(Name, "The shop registry") { put };
    }

    private static async Task<int> PutAsync(Guid shopId, ShopRegistration registration, CancellationToken ct)
    {
        if (ShopRegistration.ProblemOf(shopId, registration.Domain) is { } problem)
        {
            await Console.Error.WriteLineAsync($"error: {problem}");
            return 2;
        }

        var configuration = new ConfigurationManager();
        configuration.AddEnvironmentVariables();
        InfrastructureSettings.ApplySeedVariables(configuration);
        using var store = DocumentStore.For(options =>
        {
            options.Connection(InfrastructureSettings.Required(configuration, InfrastructureSettings.Database));
            Storage.DocumentStorage.Conventions(options);
            TenancySetup.Registry(options);
        });

        var put = await new ShopRegistry(store, TimeProvider.System).PutAsync(shopId, registration, ct);
        if (put.Stored is not { } shop)
        {
            await Console.Error.WriteLineAsync($"error: another shop ({put.DomainTakenBy}) is registered with {registration.Domain}");
            return 1;
        }
        Console.WriteLine(JsonSerializer.Serialize(ShopView.Of(shop), Messaging.WireJson.Options));
        return 0;
    }
}
