using Referrals.Bench;

// Benchmarks against a running local stack (bash scripts/run-stack.sh; see bench/README.md).
// Usage: dotnet run -c Release --project bench/Referrals.Bench -- <scenario> [--option value ...]
var scenario = args.FirstOrDefault();
var options = BenchOptions.Parse(args.Skip(1).ToArray());
switch (scenario)
{
    case "webhooks":
        return await WebhookScenario.RunAsync(options);
    default:
        Console.Error.WriteLine("scenarios: webhooks [--orders 1000] [--concurrency 32] [--http URL] [--grpc URL] [--kafka HOST:PORT]");
        return 2;
}
