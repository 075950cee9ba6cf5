/**
 * The harness's child processes: a nats-server of its own, Baton engines and chaos workers. Every child's
 * output goes to a log file; stdout lines are also handed to a listener (the workers report executions
 * there, the engine its URL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');

export class Child {
  private process: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private log: WriteStream;
  starts = 0;

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    logFile: string,
    private readonly onLine: (line: string) => void = () => undefined,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Starts the process; resolves when `ready` matches a stdout/stderr line (rejects if it exits first). */
  start(ready: RegExp, timeoutMs = 30_000): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.starts += 1;
    this.log.write(`\n==== start ${this.starts} at ${new Date().toISOString()}\n`);
    const child = spawn(this.command, this.args, { cwd: ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => finish(new Error(`${this.name} not ready within ${timeoutMs} ms`)), timeoutMs);
      const watch = (stream: NodeJS.ReadableStream, isStdout: boolean) => {
        let buffer = '';
        stream.on('data', (chunk: Buffer) => {
          this.log.write(chunk);
          buffer += chunk.toString('utf8');
          let newline: number;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, newline);
            buffer = buffer.slice(newline + 1);
            if (isStdout) this.onLine(line);
            if (ready.test(line)) finish();
          }
        });
      };
      watch(child.stdout!, true);
      watch(child.stderr!, false);
      child.once('exit', (code, signal) => finish(new Error(`${this.name} exited (${signal ?? code}) before it was ready`)));
    });
  }

  /** SIGKILL: no chance to clean up. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.process!.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  async stop(graceMs = 20_000): Promise<number | null> {
    if (!this.running) return this.process?.exitCode ?? null;
    this.process!.kill('SIGTERM');
    const timer = setTimeout(() => this.process?.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  close(): void {
    this.log.end();
  }
}

/**
 * A TypeScript script run by node with tsx's loader: ONE process (the `tsx` CLI would put a second node
 * process under it, and a SIGKILL to the CLI would leave that one running).
 */
export function tsxChild(name: string, script: string, env: NodeJS.ProcessEnv, logFile: string, onLine?: (line: string) => void): Child {
  return new Child(name, process.execPath, ['--import', 'tsx', script], env, logFile, onLine);
}

/** A free TCP port on 127.0.0.1 (free now; the caller binds it soon after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
