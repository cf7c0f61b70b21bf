// `npm start`: builds the web app when its sources are newer than the build,
// then runs the server in the foreground.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const builtIndex = join(repo, 'dist', 'pwa', 'index.html');
// pwa/ will import crypto/ and protocol/, so their changes change the bundle too.
const inputs = ['pwa', 'crypto', 'protocol', 'vite.config.ts', 'package-lock.json'].map((p) => join(repo, p));

function newestModification(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestModification(join(path, entry)));
  }
  return newest;
}

function needsBuild() {
  if (!existsSync(builtIndex)) return true;
  const builtAt = statSync(builtIndex).mtimeMs;
  return inputs.some((input) => newestModification(input) > builtAt);
}

// Runs a Node CLI with this same node binary, so neither npx nor a shell
// sits between us and the child, and signals reach it directly.
function run(script, args) {
  const child = spawn(process.execPath, [join(repo, script), ...args], { cwd: repo, stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve({ code, signal });
    });
  });
}

if (needsBuild()) {
  console.log('Building the web app…');
  const { code, signal } = await run('node_modules/vite/bin/vite.js', ['build']);
  if (code !== 0) {
    console.error(signal ? `The build was stopped by ${signal}.` : 'The build failed; see above.');
    process.exit(code ?? 1);
  }
}

const { code, signal } = await run('node_modules/tsx/dist/cli.mjs', ['sync-server/src/main.ts']);
// Exit as the server did, so a supervisor sees the same outcome.
if (signal) process.kill(process.pid, signal);
else process.exit(code ?? 1);
