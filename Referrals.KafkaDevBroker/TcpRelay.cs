using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Referrals.KafkaDevBroker;

/// <summary>
/// Forwards every connection on a fixed local port to the mock broker's random port, so clients can use a
/// well-known bootstrap address. While paused it resets relayed connections and refuses new ones, so clients
/// see the broker down exactly as with a stopped Kafka.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private const int BufferSize = 64 * 1024;
    private const int Backlog = 512;

    private readonly IPEndPoint endpoint;
    private readonly IPEndPoint target;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<RelayedConnection, byte> connections = new();
    private readonly Lock gate = new();
    private Socket listener;
    private bool accepting = true;
    private Task acceptLoop = Task.CompletedTask;

    private TcpRelay(Socket listener, IPEndPoint target)
    {
        this.listener = listener;
        this.target = target;
        endpoint = (IPEndPoint)listener.LocalEndPoint!;
    }

    public int Port => endpoint.Port;

    /// <summary>Binds <paramref name="listenOn"/> (port 0 picks a free port) and starts relaying to <paramref name="target"/>.</summary>
    public static TcpRelay Start(IPEndPoint listenOn, IPEndPoint target)
    {
        var relay = new TcpRelay(Bind(listenOn), target);
        relay.listener.Listen(Backlog);
        relay.acceptLoop = relay.AcceptLoopAsync(relay.listener);
        return relay;
    }

    /// <summary>Resets all relayed connections and refuses new ones until <see cref="Resume"/>.</summary>
    public void Pause()
    {
        lock (gate)
        {
            if (accepting && !stopping.IsCancellationRequested)
            {
                accepting = false;
                // A bound but not listening socket keeps the port ours while the kernel refuses connections.
                listener.Dispose();
                listener = Bind(endpoint);
            }
        }

        AbortConnections();
    }

    public void Resume()
    {
        lock (gate)
        {
            if (!accepting && !stopping.IsCancellationRequested)
            {
                listener.Listen(Backlog);
                accepting = true;
                acceptLoop = AcceptLoopAsync(listener);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        lock (gate)
        {
            accepting = false;
            listener.Dispose();
        }

        AbortConnections();
        await acceptLoop.ConfigureAwait(false);
        stopping.Dispose();
    }

    private static Socket Bind(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                // Rebinding after a pause must not trip over relayed connections still in TIME_WAIT.
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            socket.Bind(endpoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void AbortConnections()
    {
        foreach (var connection in connections.Keys)
        {
            connection.Abort();
        }
    }

    private async Task AcceptLoopAsync(Socket socket)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await socket.AcceptAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException
                || ex is SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted or SocketError.InvalidArgument })
            {
                // Paused or stopped: this listening socket is gone.
                return;
            }
            catch (SocketException)
            {
                // A client that vanished between SYN and accept; keep serving the others.
                continue;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var upstream = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        var connection = new RelayedConnection(client, upstream);
        if (!TryTrack(connection))
        {
            connection.Abort();
            return;
        }

        try
        {
            await upstream.ConnectAsync(target, stopping.Token).ConfigureAwait(false);
            await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client)).ConfigureAwait(false);
            connection.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            connection.Abort();
        }
        finally
        {
            connections.TryRemove(connection, out _);
        }
    }

    private bool TryTrack(RelayedConnection connection)
    {
        lock (gate)
        {
            return accepting && !stopping.IsCancellationRequested && connections.TryAdd(connection, 0);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                for (var sent = 0; sent < read;)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The other direction, a pause or shutdown closed the sockets.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed class RelayedConnection(Socket client, Socket upstream)
    {
        private int closed;

        public void Close()
        {
            if (Interlocked.Exchange(ref closed, 1) == 0)
            {
                Shutdown(client);
                Shutdown(upstream);
            }
        }

        /// <summary>Closes both sides with a TCP reset, the way a crashed broker looks to a client.</summary>
        public void Abort()
        {
            if (Interlocked.Exchange(ref closed, 1) == 0)
            {
                Reset(client);
                Reset(upstream);
            }
        }

        private static void Shutdown(Socket socket)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // Already disconnected.
            }
            finally
            {
                socket.Dispose();
            }
        }

        private static void Reset(Socket socket)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (SocketException)
            {
                // Never connected; disposing is enough.
            }
            finally
            {
                socket.Dispose();
            }
        }
    }
}
