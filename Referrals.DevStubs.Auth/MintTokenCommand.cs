// DEVELOPMENT/TEST ONLY. `mint-token`: prints a dev JWT on stdout and exits, without starting the server.
using System.CommandLine;

namespace Referrals.DevStubs.Auth;

public static class MintTokenCommand
{
    public const string Name = "mint-token";

    public static int Run(string[] args, string signingKey)
    {
        var shop = new Option<Guid>("--shop") { Description = "The shop_id claim (UUID).", Required = true };
        var scope = new Option<string>("--scope")
        {
            Description = "Space-separated scopes, e.g. \"merchant:referrals:view\".",
            Required = true,
        };
        var sub = new Option<Guid?>("--sub") { Description = "The sub claim: the customer id (UUID) of a customer token." };
        var ttl = new Option<int>("--ttl") { Description = "Lifetime in seconds.", DefaultValueFactory = _ => 3600 };
        var jti = new Option<string?>("--jti") { Description = "The jti claim; a new UUID when omitted." };
        ttl.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0)
            {
                result.AddError("--ttl must be a positive number of seconds.");
            }
        });

        var command = new Command(Name, "Print a dev JWT signed with DevAuth:SigningKey.") { shop, scope, sub, ttl, jti };
        command.SetAction(result =>
        {
            var token = DevTokens.Mint(
                signingKey,
                result.GetRequiredValue(shop).ToString(),
                result.GetRequiredValue(scope),
                result.GetValue(sub)?.ToString(),
                TimeSpan.FromSeconds(result.GetValue(ttl)),
                result.GetValue(jti),
                DateTimeOffset.UtcNow);
            Console.Out.WriteLine(token);
            return 0;
        });

        var root = new RootCommand("Referrals.DevStubs.Auth — development/test only.") { command };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count == 0)
        {
            return parsed.Invoke();
        }

        // Errors go to stderr alone: stdout is for the token, e.g. TOKEN=$(dotnet run ... -- mint-token ...).
        foreach (var error in parsed.Errors)
        {
            Console.Error.WriteLine(error.Message);
        }

        return 1;
    }
}
