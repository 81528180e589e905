namespace Referrals.Bench;

/// <summary>What the service's processes spent in one window, with the machine's load average at its start and end.</summary>
public sealed record ServiceUsage(double? CpuMsPerOperation, double? CpuMs, IReadOnlyList<double> PeakRssMb, double LoadAverageStart, double LoadAverageEnd);

/// <summary>
/// One measured window on the service's processes: peak RSS is reset and CPU sampled at the start; <see cref="End"/>
/// samples again and divides the CPU by the operations the window completed.
/// </summary>
public sealed class MeasuredWindow
{
    private readonly ServiceProcesses _service;
    private readonly double? _cpuAtStart;
    private readonly double _loadAtStart;

    private MeasuredWindow(ServiceProcesses service)
    {
        _service = service;
        service.ResetPeakRss();
        _loadAtStart = ServiceProcesses.LoadAverage();
        _cpuAtStart = service.CpuMs();
    }

    public static MeasuredWindow Start(ServiceProcesses service) => new(service);

    public ServiceUsage End(int operations)
    {
        var cpu = _service.CpuMs() - _cpuAtStart;
        return new ServiceUsage(operations > 0 ? cpu / operations : null, cpu, _service.PeakRssMb(), _loadAtStart, ServiceProcesses.LoadAverage());
    }
}
