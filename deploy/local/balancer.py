#!/usr/bin/env python3
"""A tiny loopback TCP balancer for scripts/production-shape.sh: each accepted connection goes to the next backend
in turn (round robin), the next one after that if it refuses. Bytes are copied as they are, so HTTP/1.1 and gRPC's
HTTP/2 both pass; a connection stays on the backend it was given.

    python3 deploy/local/balancer.py 8080=8091,8092 50060=50071,50072
"""
import asyncio
import itertools
import signal
import sys


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


def handler(backends):
    turns = itertools.cycle(backends)

    async def handle(client_reader, client_writer):
        for _ in range(len(backends)):
            port = next(turns)
            try:
                backend_reader, backend_writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                continue
        else:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, backend_writer), pipe(backend_reader, client_writer))

    return handle


async def main(routes):
    servers = []
    for route in routes:
        listen, backends = route.split("=")
        ports = [int(port) for port in backends.split(",")]
        servers.append(await asyncio.start_server(handler(ports), "127.0.0.1", int(listen)))
        print(f"balancer: 127.0.0.1:{listen} -> {', '.join(f'127.0.0.1:{p}' for p in ports)}", flush=True)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
