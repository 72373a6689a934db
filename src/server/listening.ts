import type { AddressInfo } from 'node:net';
import type { Server } from 'restify';

/** Starts `server` on `host`:`port`; resolves with the port bound (a port of 0 picks a free one). */
export async function listenOn(server: Server, port: number, host: string): Promise<number> {
  // restify re-emits the HTTP server's 'error'; a port in use must fail startup with a message.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops taking requests and resolves once every request in flight is answered. */
export async function closeGracefully(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    // Keep-alive connections would hold close() open; each is dropped once its turn is answered.
    const dropIdle = setInterval(() => server.server.closeIdleConnections(), 50);
    server.server.close(() => {
      clearInterval(dropIdle);
      resolve();
    });
    server.server.closeIdleConnections();
  });
}
