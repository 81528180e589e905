using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Deployment;

/// <summary>
/// mTLS and Consul on the service binary as built, run as its own process the way the image runs it: Production, only
/// environment variables, its content root its own folder. It uses the stack's Postgres (through a login of its own
/// in the runtime role: Production refuses the dev password), Redis and broker, so it is a real fourth instance; its
/// gRPC endpoint requires a client certificate from the platform CA the test makes, and it registers with
/// <see cref="ConsulAgentStandIn"/> (Consul is not installable here). SIGTERM, as Kubernetes stops a pod, deregisters it.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class ServiceProcessMtlsConsulTests(ReferralsApp app) : IDisposable
{
    private static readonly TimeSpan StartWait = TimeSpan.FromMinutes(2);
    private readonly MtlsFiles _files = new();
    private readonly MtlsCertificateAuthority _platformCa = new("platform-ca");

    [Fact]
    public async Task The_service_process_serves_grpc_only_to_platform_certificates_and_registers_with_consul_until_sigterm()
    {
        var ct = TestContext.Current.CancellationToken;
        MtlsCertificateAuthority.Write(_platformCa.IssueServer(), _files["server.crt"], _files["server.key"]);
        _platformCa.WriteTo(_files["ca.crt"]);
        var ports = FreePorts.Take(3);
        var (grpcPort, httpPort) = (ports[0], ports[1]);
        await using var agent = await ConsulAgentStandIn.StartAsync(ports[2]);
        await using var login = await RuntimeLogin.CreateAsync(app, ct);
        var serviceId = $"referrals-mtls-{grpcPort}";

        using var service = StartService(new Dictionary<string, string>
        {
            ["REFERRALS_DB_USER"] = login.Name,
            ["REFERRALS_DB_PASSWORD"] = login.Password,
            ["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{grpcPort}",
            ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{httpPort}",
            ["Grpc__Tls__CertificatePath"] = _files["server.crt"],
            ["Grpc__Tls__KeyPath"] = _files["server.key"],
            ["Grpc__Tls__ClientCaPath"] = _files["ca.crt"],
            ["Consul__Address"] = agent.Address,
            ["Consul__ServiceId"] = serviceId,
            ["Consul__ServiceAddress"] = "127.0.0.1",
        });
        try
        {
            var registered = await agent.WaitForCallAsync(call => call.Path == "/v1/agent/service/register", StartWait);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
            await Eventually.ReturnsAsync(() => http.GetAsync("/health", ct), response => response.IsSuccessStatusCode, StartWait, ct);
            var body = registered.Body!.Value;

            agent.Refusals.ShouldBeEmpty();
            body.GetProperty("ID").GetString().ShouldBe(serviceId);
            body.GetProperty("Name").GetString().ShouldBe("referrals");
            body.GetProperty("Address").GetString().ShouldBe("127.0.0.1");
            body.GetProperty("Port").GetInt32().ShouldBe(grpcPort);
            var check = body.GetProperty("Check").GetProperty("HTTP").GetString();
            check.ShouldBe($"http://127.0.0.1:{httpPort}/health");
            (await http.GetAsync(check, ct)).IsSuccessStatusCode.ShouldBeTrue(check);

            await MtlsGrpcHost.RefusedAsync(grpcPort, _platformCa.Certificate, clientCertificate: null);
            (await MtlsGrpcHost.ServedAsync(grpcPort, _platformCa.Certificate, _platformCa.IssueClient("core"))).ShouldBeTrue();

            Terminate(service.Process);
            await service.Process.WaitForExitAsync(ct).WaitAsync(StartWait, ct);
            service.Process.ExitCode.ShouldBe(0, service.Output);
            agent.Calls[^1].Path.ShouldBe($"/v1/agent/service/deregister/{serviceId}", service.Output);
        }
        catch (Exception e) when (e is not ShouldAssertException)
        {
            throw new InvalidOperationException($"the service process: {service.Output}", e);
        }
    }

    public void Dispose()
    {
        _platformCa.Dispose();
        _files.Dispose();
    }

    /// <summary>The built binary in Production, run from its own folder (appsettings.json there) with the plan's variables.</summary>
    private ServiceProcess StartService(IReadOnlyDictionary<string, string> settings)
    {
        var folder = Path.Combine(Repository.Root, "Referrals.Service", "bin", Repository.BuildConfiguration, "net10.0");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(folder, "Referrals.Service.dll"));
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        start.Environment["HOME"] = Environment.GetEnvironmentVariable("HOME");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["REFERRALS_DB_HOST"] = $"127.0.0.1:{app.Ports.Postgres}";
        start.Environment["REFERRALS_DB_NAME"] = "referrals";
        start.Environment["REFERRALS_REDIS_HOST"] = $"127.0.0.1:{app.Ports.Redis}";
        start.Environment["KAFKA_BROKER"] = app.KafkaBootstrap;
        start.Environment["AUTH_HOST"] = $"http://127.0.0.1:{app.Ports.Auth}";
        start.Environment["CORE_HOST"] = $"http://127.0.0.1:{app.Ports.Core}";
        start.Environment["Shopify__AppSecret"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        foreach (var (key, value) in settings)
            start.Environment[key] = value;
        return new ServiceProcess(Process.Start(start)!);
    }

    /// <summary>SIGTERM, as a container runtime stops the process (Process.Kill would be SIGKILL).</summary>
    private static void Terminate(Process process)
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>The running binary and what it printed; killed with its children if the test leaves it running.</summary>
    private sealed class ServiceProcess : IDisposable
    {
        private readonly System.Text.StringBuilder _output = new();

        public ServiceProcess(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, line) => Append(line.Data);
            process.ErrorDataReceived += (_, line) => Append(line.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output
        {
            get
            {
                lock (_output)
                    return _output.ToString();
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
                Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is null)
                return;
            lock (_output)
                _output.AppendLine(line);
        }
    }

    /// <summary>
    /// A login of the runtime role's (its rights and row policies, not the owner's) with a password of its own:
    /// Production refuses the stack's public dev password. Dropped afterwards.
    /// </summary>
    private sealed class RuntimeLogin(string connectionString, string name, string password) : IAsyncDisposable
    {
        public string Name { get; } = name;

        public string Password { get; } = password;

        public static async Task<RuntimeLogin> CreateAsync(ReferralsApp app, CancellationToken ct)
        {
            var login = new RuntimeLogin(app.DatabaseConnectionString, $"referrals_probe_{Guid.NewGuid():N}"[..30],
                Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
            await login.ExecuteAsync($"create role {login.Name} login password '{login.Password}' in role referrals_runtime", ct);
            // What the migration gives the runtime login: no shop until a session names one.
            await login.ExecuteAsync($"alter role {login.Name} set app.shop_id = ''", ct);
            return login;
        }

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync($"drop role if exists {Name}", CancellationToken.None);
        }

        private async Task ExecuteAsync(string sql, CancellationToken ct)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
