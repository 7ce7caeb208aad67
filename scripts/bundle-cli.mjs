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
 * and still load from node_modules when needed (the Dockerfile ships node_modules; they are production
 * dependencies, or files of one).
 *
 * Whitespace and syntax are minified: that drops comments, and one comment with a non-ASCII character (→, …) makes
 * V8 hold its whole chunk as a two-byte string (reading the unminified chunks took ~70 ms, the minified ~30 ms). Mangling identifiers
 * as well saved nothing measurable (V8's compile time follows tokens, not bytes), so stack traces keep readable
 * function names; the .map files map them back to TypeScript under --enable-source-maps. keepNames is off: a
 * __name() call per function and class, for .name values nothing here reads (esbuild only renames on collisions).
 */
import { build } from 'esbuild'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'

const LAZY_EXTERNALS = [
  // Fastify's default schema compilers: never used (server.ts installs TypeBox validation and JSON.stringify).
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
  // fastify.inject() only.
  'light-my-request',
  // Only behind plugins/state.ts's `await import('./redis-store.js')` (STATE_STORE=redis).
  'ioredis',
  // undici's HTTP parser as base64 WebAssembly (~145 KB of source), required on the first upstream connection.
  'undici/lib/llhttp/llhttp_simd-wasm.js',
  'undici/lib/llhttp/llhttp-wasm.js'
]

// The file each external resolves to from dist/chunks/, where the bundle's require() and import look.
const fromDist = createRequire(resolve('dist/chunks/index.js'))
const atRuntime = new Map(LAZY_EXTERNALS.map(spec => [fromDist.resolve(spec), spec]))

/**
 * Leaves LAZY_EXTERNALS out when the importer would get the very file dist/ resolves at runtime; otherwise (a
 * nested node_modules with another version) bundles it as usual, so the output is always what the source asked for.
 * @type {import('esbuild').Plugin}
 */
const lazyExternals = {
  name: 'lazy-externals',
  setup (b) {
    const names = LAZY_EXTERNALS.map(spec => spec.replace(/^.*\//, '').replace(/[.]/g, '\\.'))
    b.onResolve({ filter: new RegExp(`(^|/)(${[...new Set(names)].join('|')})$`) }, async args => {
      if (args.pluginData === 'inner') return undefined
      const wanted = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' })
      if (wanted.errors.length > 0) return { errors: wanted.errors }
      const spec = atRuntime.get(wanted.path)
      if (spec !== undefined) return { path: spec, external: true }
      if (LAZY_EXTERNALS.includes(args.path) || LAZY_EXTERNALS.some(spec => wanted.path.endsWith(`/node_modules/${spec}`))) {
        console.warn(`bundle-cli: bundling ${wanted.path} for ${args.importer}: not the copy dist/ resolves at runtime`)
      }
      return { path: wanted.path, namespace: wanted.namespace, external: wanted.external, sideEffects: wanted.sideEffects }
    })
  }
}

rmSync('dist/chunks', { recursive: true, force: true })
const result = await build({
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
  metafile: process.env.BUNDLE_META !== undefined,
  logLevel: 'warning'
})
// BUNDLE_META=file.json writes esbuild's metafile (what went into which chunk, for https://esbuild.github.io/analyze/).
if (process.env.BUNDLE_META !== undefined) writeFileSync(process.env.BUNDLE_META, JSON.stringify(result.metafile))

// See the header: a non-ASCII byte in a chunk makes start-up decode it as two-byte text.
for (const file of readdirSync('dist/chunks').filter(f => f.endsWith('.js')).map(f => `dist/chunks/${f}`).concat('dist/cli.js')) {
  if (readFileSync(file).some(byte => byte > 0x7f)) console.warn(`bundle-cli: ${file} has non-ASCII characters (slower to load)`)
}
