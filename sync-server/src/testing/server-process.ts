// Starts the real server (sync-server/src/main.ts) in its own process, as
// `npm start` would, for tests and benchmarks that need it from outside:
// a crash under SIGKILL, memory, throughput over real sockets. Test-only.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServerProcess {
  baseUrl: string;
  child: ChildProcess;
  dataDir: string;
  /** Resident memory of the server process, from /proc. */
  rssBytes(): number;
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  /** Where the server keeps its data; a temp folder (removed by stop) when absent. */
  dataDir?: string;
  /** Extra environment variables for the server. */
  env?: Record<string, string>;
  /**
   * Extra Node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] (NODE_OPTIONS refuses
   * --cpu-prof); the profile is written when the server exits cleanly, which SIGTERM (stop()) does.
   */
  execArgv?: string[];
}

export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const { env = {}, execArgv = [] } = options;
  const root = new URL('../../../', import.meta.url).pathname;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kura-server-'));
  const child = spawn(process.execPath, [...execArgv, '--import', 'tsx', 'sync-server/src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', KURA_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      output += d;
      const m = /listening on (http:\/\/[^ ]+)/.exec(output);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (d) => {
      output += d;
      process.stderr.write(d);
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
  return {
    baseUrl,
    child,
    dataDir,
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
    async stop() {
      const exited = new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
      child.kill('SIGTERM');
      await exited;
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
