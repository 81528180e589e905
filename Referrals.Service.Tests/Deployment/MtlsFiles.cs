namespace Referrals.Service.Tests.Deployment;

/// <summary>A directory for one test's PEM files, removed afterwards.</summary>
public sealed class MtlsFiles : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("mtls");

    public string this[string name] => Path.Combine(_directory.FullName, name);

    public void Dispose() => _directory.Delete(recursive: true);
}
