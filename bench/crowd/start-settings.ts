// The V8 flags and allocator settings `npm start` runs the server with, read from package.json's
// `start` script, so every bench system runs as production does and the two cannot drift apart.
// tests/unit/start-settings.test.ts holds the demo and the documented systemd unit to the same.
import { readFileSync } from 'node:fs';

export interface StartSettings {
  /** The NAME=value settings before `node` (glibc's allocator). */
  env: Record<string, string>;
  /** Everything after `node`: options and the entry, as the script runs it. */
  args: string[];
  /** Node's options that tune the runtime (V8's heap and collector), not those about the entry. */
  flags: string[];
}

/** Options about running the entry (the bundle's source maps, the demo's TypeScript loader), not the runtime. */
const NOT_RUNTIME = new Set(['--enable-source-maps', '--import']);

/** A package.json script's settings before `node` (NAME=value), and its Node arguments. */
export function startSettings(script: string): StartSettings {
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_]+=/.test(words[0])) {
    const word = words.shift()!;
    env[word.slice(0, word.indexOf('='))] = word.slice(word.indexOf('=') + 1);
  }
  if (words.shift() !== 'node') throw new Error(`the start script does not run node: ${script}`);
  const flags = words.filter((w) => w.startsWith('--') && !NOT_RUNTIME.has(w));
  return { env, args: words, flags };
}

/** This checkout's `npm start` settings. */
export function packageStartSettings(packageJson = 'package.json'): StartSettings {
  const { scripts } = JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts: Record<string, string> };
  return startSettings(scripts.start!);
}
