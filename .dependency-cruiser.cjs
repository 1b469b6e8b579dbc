// The layers of Roundtable, as rules a wrong import fails (docs/architecture.md, "Layers").
// Run by `npm run lint:layers` and by scripts/test.sh before the tests.
//
// Folders, bottom up:
//   shared/                 the wire contract, imported by both ends
//   client/, media/         the browser app and the media layer: shared/ only
//   server/storage/         backend plumbing (the SQLite handle, the Redis client, Lua)
//   server/core/            the command wrapper, logging, the seams' interfaces: shared/ only
//   server/coordination/    the coordination seam's memory and Redis implementations
//   server/http/            HTTP helpers every feature's routes share
//   server/<feature>/       one folder per feature (qa, polls, chat, townhall, moderation...)
//   server/*.ts             the composition root (app.ts, stores.ts, main.ts): may import all
//
// A feature is any folder of server/ that is not one of the layers named here, so a new
// feature is held to the rules without editing this file.
const LAYERS = 'core|storage|coordination|http|cli';
const FEATURE = `^server/(?!(?:${LAYERS})/)([^/]+)/`;
// A store: its interface (store.ts), an implementation (store-sqlite.ts, audit-redis.ts), a
// second store of the feature (session-store.ts), and the records they share (store-records.ts).
const STORE_FILE = '(?:store|store-[^/]*|[^/]*-store[^/]*|[^/]*-(?:sqlite|redis))\\.ts$';
const DRIVERS = '(?:^|/)node_modules/(?:redis|@redis/[^/]+|better-sqlite3|rate-limiter-flexible|@socket\\.io/redis-streams-adapter)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'shared-is-the-contract',
      comment: 'shared/ is imported by the server and the browser alike: it imports nothing else of the project.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(?:server|client|media|tests|bench|scripts)/' },
    },
    {
      name: 'client-only-shared',
      comment: 'The browser app speaks to the server through the wire contract in shared/, never its code.',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^(?:server|media|tests|bench|scripts)/' },
    },
    {
      name: 'media-only-shared',
      comment: 'The media layer knows nothing of features or the server; the server drives it.',
      severity: 'error',
      from: { path: '^media/' },
      to: { path: '^(?:server|client|tests|bench|scripts)/' },
    },
    {
      name: 'storage-is-plumbing',
      comment: 'storage/ holds the backends only; which stores run is decided at the top (server/stores.ts).',
      severity: 'error',
      from: { path: '^server/storage/' },
      to: { path: '^(?:server|media|client)/', pathNot: '^server/storage/' },
    },
    {
      name: 'core-imports-no-feature',
      comment: 'core/ imports only shared/ and itself: features build on it, never the other way round.',
      severity: 'error',
      from: { path: '^server/core/' },
      to: { path: '^(?:server|media|client)/', pathNot: '^server/core/' },
    },
    {
      name: 'core-imports-no-driver',
      comment: 'Drivers live behind the seams: core/ names interfaces, server/coordination/ and the stores implement them.',
      severity: 'error',
      from: { path: '^server/core/' },
      to: { path: DRIVERS },
    },
    {
      name: 'coordination-imports-no-feature',
      comment: 'The coordination implementations carry ephemeral state for any feature and know none.',
      severity: 'error',
      from: { path: '^server/coordination/' },
      to: { path: '^(?:server|media|client)/', pathNot: '^(?:server/(?:coordination|core|storage)/|shared/)' },
    },
    {
      name: 'http-imports-no-feature',
      comment: 'server/http/ is what every feature\'s routes share; it depends on none of them.',
      severity: 'error',
      from: { path: '^server/http/' },
      to: { path: '^(?:server|media|client)/', pathNot: '^(?:server/(?:http|core)/|shared/)' },
    },
    {
      name: 'no-other-feature-store',
      comment: 'A feature calls another feature\'s exported service; its stores are its own.',
      severity: 'error',
      from: { path: FEATURE },
      to: { path: `^server/[^/]+/${STORE_FILE}`, pathNot: '^server/$1/' },
    },
    {
      name: 'no-other-feature-wiring',
      comment: 'Handlers and routes are a feature\'s own wiring, registered by the composition root; no other feature imports them.',
      severity: 'error',
      from: { path: FEATURE },
      to: { path: ['^server/[^/]+/[^/]*handlers\\.ts$', '^server/[^/]+/[^/]*routes\\.ts$'], pathNot: '^server/$1/' },
    },
    {
      name: 'drivers-only-in-stores',
      comment: 'Inside a feature, only its store implementations touch the backends; the rest gets interfaces.',
      severity: 'error',
      from: { path: FEATURE, pathNot: `/${STORE_FILE}` },
      to: { path: ['^server/storage/(?:redis|sqlite)\\.ts$', DRIVERS] },
    },
    {
      name: 'pseudonyms-through-identity',
      comment: 'The server secret stays with identity: features get pseudonyms from createPseudonyms (identity/pseudonyms.ts).',
      severity: 'error',
      from: { path: FEATURE, pathNot: '^server/identity/' },
      to: { path: '^server/identity/tokens\\.ts$' },
    },
    {
      name: 'record-reads-through-services',
      comment: 'The public record reads other features through their services: no stores, handlers, routes or adapters.',
      severity: 'error',
      from: { path: '^server/record/' },
      to: {
        path: [
          `^server/[^/]+/${STORE_FILE}`,
          '^server/[^/]+/[^/]*handlers\\.ts$',
          '^server/[^/]+/[^/]*routes\\.ts$',
          '^server/[^/]+/(?:adapter|broadcast)\\.ts$',
        ],
        pathNot: '^server/record/',
      },
    },
    {
      name: 'no-circular-server',
      comment: 'Imports in server/ form no cycle: a cycle is two modules that cannot be understood apart.',
      severity: 'error',
      from: { path: '^server/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(?:dist|test-results)/' },
    // Type-only imports are arrows too: an interface imported from a lower layer's neighbour is a dependency.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.svelte', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
