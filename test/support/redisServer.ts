import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

export interface TestRedisServer {
  port: number;
  url: string;
  /** Kills the server (SIGKILL, like a crash) and waits until the process has exited. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and waits until it answers PING. */
  start(): Promise<void>;
}

/** A throwaway redis-server on a free port, without persistence. Call `stop()` in `afterAll`. */
/** `extraArgs` are passed to redis-server, e.g. `['--enable-debug-command', 'yes']` for DEBUG SLEEP. */
export async function startRedisServer(extraArgs: readonly string[] = []): Promise<TestRedisServer> {
  const port = await findFreePort();
  let child: ChildProcess | undefined;
  // Last line of defence against leaked servers if the test process exits without stop().
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };

  const start = async (): Promise<void> => {
    if (child) throw new Error('redis-server is already running');
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    process.once('exit', killOnExit);
    let output = '';
    proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitForPong(port, proc, () => output);
    } catch (e) {
      await stop();
      throw e;
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    process.removeListener('exit', killOnExit);
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  };

  await start();
  return { port, url: `redis://127.0.0.1:${port}`, start, stop };
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Polls with a raw PING (no client library involved) until the server answers PONG. */
async function waitForPong(port: number, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`redis-server exited early on port ${port}:\n${output()}`);
    }
    if (await pingOnce(port)) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
