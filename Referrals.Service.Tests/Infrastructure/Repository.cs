namespace Referrals.Service.Tests.Infrastructure;

public static class Repository
{
    /// <summary>The checkout's root: the folder that holds Referrals.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration these tests were built in, so sibling projects are run as built.</summary>
    public static string BuildConfiguration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Referrals.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"no Referrals.sln above {AppContext.BaseDirectory}");
    }
}
