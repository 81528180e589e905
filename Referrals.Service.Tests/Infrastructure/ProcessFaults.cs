using System.Globalization;
using System.Runtime.InteropServices;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>
/// Faults injected into the stack's own processes, found by the port they listen on, as an outage looks to a
/// client: a paused process (SIGSTOP) accepts connections and answers nothing, like a partition or a stuck primary;
/// a killed one (SIGKILL) is gone without a goodbye. A process is taken with its children (postgres's backends).
/// </summary>
public static class ProcessFaults
{
    private const int SigKill = 9;
    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>Pauses the process listening on <paramref name="port"/> (and its children) until the result is disposed.</summary>
    public static IDisposable Pause(int port)
    {
        var processes = TreeOf(ListenerOf(port));
        foreach (var pid in processes)
            Signal(pid, SigStop);
        return new Resume(processes);
    }

    /// <summary>Kills the process listening on <paramref name="port"/> and its children, at once.</summary>
    public static void Kill(int port)
    {
        foreach (var pid in TreeOf(ListenerOf(port)))
            Signal(pid, SigKill);
    }

    /// <summary>The process that owns the listening TCP socket on <paramref name="port"/> (IPv4 or IPv6).</summary>
    public static int ListenerOf(int port)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // local_address is HEX_IP:HEX_PORT; state 0A is LISTEN; field 9 is the socket's inode.
                var local = fields[1];
                var localPort = int.Parse(local[(local.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (localPort == port && fields[3] == "0A")
                    inodes.Add($"socket:[{fields[9]}]");
            }
        }
        if (inodes.Count == 0)
            throw new InvalidOperationException($"nothing listens on port {port}");

        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), out var pid))
                continue;
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target))
                        return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A process that ended while we looked, or one we may not read: not ours.
            }
        }
        throw new InvalidOperationException($"no readable process owns the listener on port {port}");
    }

    private static List<int> TreeOf(int root)
    {
        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
            tree.AddRange(ChildrenOf(tree[i]));
        return tree;
    }

    private static List<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
            return children;
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                children.AddRange(File.ReadAllText(Path.Combine(task, "children"))
                    .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(child => int.Parse(child, CultureInfo.InvariantCulture)));
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }
        return children;
    }

    private static void Signal(int pid, int signal)
    {
        // ESRCH (the process already ended) is fine for every fault here.
        _ = kill(pid, signal);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    private sealed class Resume(List<int> processes) : IDisposable
    {
        private int _resumed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _resumed, 1) == 1)
                return;
            foreach (var pid in processes)
                Signal(pid, SigCont);
        }
    }
}
