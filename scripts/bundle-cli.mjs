#!/usr/bin/env node
/**
 * Bundles the CLI into dist/cli.js (+ dist/chunks/) after tsc has emitted the library (dist/app.js and .d.ts).
 * Why: loading ~150 small ES modules from tsc plus the dependencies' own files dominated start-up; one bundle
 * starts in about half the time (npm run build; node scripts/startup-time.mjs measures it).
 *
 * Lazy stays lazy: `await import()` (commands, the Redis store) become chunks, and the
 * createRequire(import.meta.url)(...) calls (gpt-tokenizer, @smithy/eventstream-codec) are invisible to esbuild,
 * so those packages load from node_modules on first use. LAZY_EXTERNALS below are only ever require()d lazily by
 * their importers (or sit behind a dynamic import); left out of the bundle they cost no parse/compile at start-up
 * and still load from node_modules when needed. The build checks that the copy the importer would get is the one
 * that resolves from dist/, so a nested node_modules cannot silently swap versions.
 *
 * Whitespace and syntax are minified (less source to decode and compile), identifiers are not, so stack traces
 * keep readable function names; the .map files map them back to TypeScript under --enable-source-maps.
 * keepNames is off: it costs ~20 ms of start-up and nothing here depends on bundled function/class .name.
 */
import { build } from 'esbuild'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'

const LAZY_EXTERNALS = new Set([
  // Fastify's default schema compilers: never used (server.ts installs TypeBox validation and JSON.stringify).
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
  // fastify.inject() only.
  'light-my-request',
  // Only behind plugins/state.ts's `await import('./redis-store.js')` (STATE_STORE=redis).
  'ioredis'
])

const fromDist = createRequire(resolve('dist/chunks/index.js'))

/** @type {import('esbuild').Plugin} */
const lazyExternals = {
  name: 'lazy-externals',
  setup (b) {
    b.onResolve({ filter: /^[@a-z]/ }, async args => {
      if (!LAZY_EXTERNALS.has(args.path) || args.pluginData === 'inner') return undefined
      const wanted = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' })
      if (wanted.errors.length > 0) return { errors: wanted.errors }
      const atRuntime = fromDist.resolve(args.path)
      if (atRuntime !== wanted.path) {
        return { errors: [{ text: `${args.path}: ${args.importer} gets ${wanted.path} but dist/ would load ${atRuntime}` }] }
      }
      return { path: args.path, external: true }
    })
  }
}

rmSync('dist/chunks', { recursive: true, force: true })
await build({
  entryPoints: ['cli.ts'],
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  legalComments: 'linked',
  plugins: [lazyExternals],
  // Bundled CommonJS dependencies call require() (Node built-ins, the externals above); ESM has none, so each
  // chunk gets one resolving from dist/chunks/, which finds the package's node_modules.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning'
})
