namespace Referrals.Service.Tenancy;

/// <summary>The documented development shops (README, ARCHITECTURE.md). They exist in development and tests only.</summary>
public sealed class DevShopsOptions
{
    public const string Section = "DevShops";

    public bool Seed { get; set; }

    public List<DevShop> Shops { get; set; } = [];

    public sealed class DevShop
    {
        public Guid Id { get; set; }
        public string Domain { get; set; } = "";
    }
}
