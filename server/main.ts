// The entry point: the only place that reads the environment.
import { createApp } from './app.js';
import { ConfigError, loadConfig, redacted, type Config } from './config.js';
import { createLogger } from './core/log.js';
import { seedDemo } from './demo.js';
import { resolveSecret } from './secret.js';
import { openConfiguredStores } from './stores.js';
import { SchemaTooNewError } from './storage/migrations.js';
import { startMedia } from './townhall/media-start.js';
import { listenForMetrics } from './metrics/listen.js';

const config = ((): Config => {
  try {
    return loadConfig();
  } catch (err) {
    // A wrong setting is the operator's to fix: say which, without a stack trace.
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`\n  ${err.message}\n\n`);
    process.exit(1);
  }
})();
const log = createLogger(config.logLevel);
log.info({ config: redacted(config) }, 'starting');

const stores = await openConfiguredStores(config, (err) => log.warn({ err: err.message }, config.redisUrl ? 'redis connection error' : 'sqlite checkpoint worker failed; the server checkpoints in its commits again')).catch(
  (err: unknown) => {
    // Data newer than this code is refused with a message that says what to do; no stack needed.
    if (!(err instanceof SchemaTooNewError)) throw err;
    log.fatal(err.message);
    process.stderr.write(`\n  ${err.message}\n\n`);
    process.exit(1);
  },
);
for (const step of stores.migrated) log.info(step, 'applied schema step');
const media = await startMedia(config.media, log);
const app = createApp(
  {
    allowedOrigins: config.allowedOrigins,
    secureCookies: config.secureCookies,
    tallyIntervalMs: config.tallyIntervalMs,
    frameWritesPerSecond: config.frameWritesPerSecond,
    clientDir: config.clientDir,
    filterWords: config.filterWords,
    flagThreshold: config.flagThreshold,
    flagAccountAgeHours: config.flagAccountAgeHours,
    trustProxy: config.trustProxy,
    allowLoopbackOrigins: config.allowLoopbackOrigins,
    socketCaps: config.socketCaps,
    integrity: config.integrity,
    mediaLeaseMs: config.media.leaseMs,
    publicUrl: config.publicUrl,
    smtp: config.smtp,
    timeZone: config.timeZone,
    turn: config.turn,
    recording: { dataDir: config.dataDir, minFreeBytes: config.recording.minFreeBytes, compose: config.recording.compose },
    ...(config.metrics ? { metrics: { token: config.metrics.token } } : {}),
    secret: resolveSecret(config.secret, config.dataDir),
  },
  { stores, log, media: media ?? undefined },
);

if (config.admin && (await app.identity.ensureAdmin(config.admin))) {
  log.info({ username: config.admin.username }, 'created the first admin');
}
// null: another node seeded the shared store, and its data folder holds the sign-ins.
const demoLogins = config.demo ? await seedDemo(app, stores, config.dataDir) : [];

const port = await app.listen(config.port, config.host);
if (config.allowLoopbackOrigins && !['127.0.0.1', 'localhost', '::1'].includes(config.host)) {
  // Pages are allowed by origin, never by the Host header a request names, so without a public
  // URL a browser that opened the server by its network address could not connect.
  log.warn({ host: config.host }, 'ROUNDTABLE_PUBLIC_URL is not set: only pages opened on localhost may connect');
}
const url = config.publicUrl.replace(`:${config.port}`, `:${port}`);
const lines = [``, `  Roundtable is running: open ${url}`, ``];
// With a public URL given, people reach the node through a proxy (docs/scaling.md): the node's
// own address is what the proxy's upstream must name, and nothing else shows it.
if (!config.allowLoopbackOrigins) {
  lines.splice(2, 0, `  This node listens on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`);
}
if (demoLogins === null) {
  lines.push(`  Demo data was already in the store (another node seeded it): that node's demo-logins.json has the staff sign-ins.`, ``);
} else if (demoLogins.length) {
  lines.push(`  Demo staff sign-in (${url}/signin):`);
  for (const l of demoLogins) lines.push(`    ${l.role.padEnd(10)} ${l.username.padEnd(10)} ${l.password}`);
  lines.push(`  Residents just open a town hall and type a name.`, ``);
}
// Metrics on an address of their own: only /metrics, no token (the address is the protection).
const metricsServer =
  config.metrics?.address && app.metrics ? await listenForMetrics(app.metrics, config.metrics.address) : null;
if (metricsServer) lines.push(`  Prometheus metrics: ${metricsServer.url}`, ``);
process.stdout.write(lines.join('\n') + '\n');

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await app.close();
  await metricsServer?.close();
  await media?.close();
  await stores.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
