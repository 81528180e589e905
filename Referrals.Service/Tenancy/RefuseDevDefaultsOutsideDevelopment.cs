namespace Referrals.Service.Tenancy;

/// <summary>
/// The dev app secrets (current and previous) and the dev signing key are public (README). A configuration outside
/// Development that still carries them is a mistake that would open the door: refuse to start.
/// </summary>
public static class RefuseDevDefaultsOutsideDevelopment
{
    private static readonly string[] PublicDevSecrets =
        ["dev-webhook-secret", "other-webhook-secret", "dev-signing-key-change-me-0123456789abcdef",
         "referrals-runtime-dev-password", "dev-browser-fingerprint-salt"];

    public static void Check(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment() || environment.IsEnvironment("Testing"))
            return;

        var leaked = configuration.AsEnumerable()
            .Where(entry => entry.Value is not null && PublicDevSecrets.Contains(entry.Value))
            .Select(entry => entry.Key)
            .ToList();

        if (leaked.Count > 0 || configuration.GetValue<bool>($"{DevShopsOptions.Section}:Seed"))
            throw new InvalidOperationException(
                $"Refusing to start in '{environment.EnvironmentName}': development defaults are configured " +
                $"({string.Join(", ", leaked.DefaultIfEmpty($"{DevShopsOptions.Section}:Seed"))}).");
    }
}
