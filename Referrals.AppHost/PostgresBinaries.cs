namespace Referrals.AppHost;

/// <summary>
/// Debian keeps the PostgreSQL server programs in /usr/lib/postgresql/&lt;version&gt;/bin, off the PATH;
/// some machines link them onto it. Look on the PATH first, then take the newest installed version.
/// </summary>
public static class PostgresBinaries
{
    public static string Find(string program)
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
        if (onPath is not null)
            return onPath;

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(directory => Path.Combine(directory, "bin", program))
                .Where(File.Exists)
                .OrderByDescending(path => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(path))), out var version) ? version : 0)
                .FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException(
            $"PostgreSQL's '{program}' was not found on the PATH nor under /usr/lib/postgresql: run scripts/prerequisites.sh.");
    }
}
