import { randomBytes } from 'node:crypto'
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { isRecord } from '../../schemas/json-text.js'

/**
 * Credential files (OAuth tokens) are shared with other tools (Gemini CLI, the Kiro IDE) and hold refresh tokens
 * that cannot be recovered once lost, so they are always replaced atomically and kept private (mode 0600).
 */

export interface WriteJsonOptions {
  /** Create missing parent directories (mode 0700): a first login writes into a directory that may not exist. */
  createDir?: boolean
}

/**
 * Writes `value` as pretty JSON atomically: a temp file in the same directory (same filesystem, so rename is
 * atomic), fsync, mode 0600, rename over the target. A crash leaves either the old or the new file, never half.
 */
export async function writeJsonFileAtomic (path: string, value: unknown, opts: WriteJsonOptions = {}): Promise<void> {
  const dir = dirname(path)
  if (opts.createDir === true) await mkdir(dir, { recursive: true, mode: 0o700 })
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const text = JSON.stringify(value, null, 2) + '\n'
  try {
    const handle = await open(tmp, 'wx', 0o600)
    try {
      await handle.writeFile(text, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    // The umask may have narrowed the mode further, never widened it; chmod makes it exactly 0600.
    await chmod(tmp, 0o600)
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
  await syncDirectory(dir)
}

async function syncDirectory (dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Some filesystems (and Windows) cannot fsync a directory; the rename itself already happened.
  }
}

export type JsonFileResult =
  | { ok: true, value: unknown }
  | { ok: false, reason: 'unreadable', code: string }
  | { ok: false, reason: 'invalid-json' }

/** Reads and parses a JSON file; failures are returned (with the fs error code) for the caller's own message. */
export async function readJsonFile (path: string): Promise<JsonFileResult> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    return { ok: false, reason: 'unreadable', code: isRecord(err) && typeof err.code === 'string' ? err.code : 'read error' }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, reason: 'invalid-json' }
  }
}
