import fp from 'fastify-plugin'
import { readFileSync, statSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { TextPart } from '../schemas/canonical.js'
import type { SystemPromptReplacement } from '../schemas/config.js'
import type { SystemEdit } from '../routes/surface-codec.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The system-prompt hook as it stands now, or undefined when nothing is configured. */
    systemPromptEdit(): SystemEdit | undefined
  }
}

type Mode = 'overwrite' | 'override' | 'append'

function applyReplacements (text: string, rules: readonly SystemPromptReplacement[]): string {
  let out = text
  for (const rule of rules) {
    out = rule.regex === true
      ? out.replace(new RegExp(rule.old, rule.flags ?? 'g'), rule.new)
      : out.split(rule.old).join(rule.new)
  }
  return out
}

/** Builds the edit: replacements on the client's blocks first, then the file's text overwrites or is appended. */
export function buildSystemEdit (fileText: string | undefined, mode: Mode, rules: readonly SystemPromptReplacement[]): SystemEdit | undefined {
  if ((fileText === undefined || fileText === '') && rules.length === 0) return undefined
  return (system: TextPart[]) => {
    const replaced = rules.length === 0 ? system : system.map(block => ({ ...block, text: applyReplacements(block.text, rules) }))
    if (fileText === undefined || fileText === '') return replaced
    if (mode === 'append') return [...replaced, { type: 'text', text: fileText }]
    return [{ type: 'text', text: fileText }]
  }
}

/**
 * SYSTEM_PROMPT_FILE_PATH / MODE / REPLACEMENTS. The file is re-read when its mtime changes (checked once a second
 * by an unref'd timer, off the request path), so edits apply without a restart.
 */
async function systemPromptPlugin (fastify: FastifyInstance): Promise<void> {
  const c = fastify.gatewayConfig
  const path = c.SYSTEM_PROMPT_FILE_PATH
  let edit = buildSystemEdit(undefined, c.SYSTEM_PROMPT_MODE, c.SYSTEM_PROMPT_REPLACEMENTS)
  fastify.decorate('systemPromptEdit', () => edit)
  if (path === undefined || path === '') return

  let mtime = -1
  const load = (): void => {
    try {
      const stat = statSync(path)
      if (stat.mtimeMs === mtime) return
      mtime = stat.mtimeMs
      const text = readFileSync(path, 'utf8').trim()
      edit = buildSystemEdit(text, c.SYSTEM_PROMPT_MODE, c.SYSTEM_PROMPT_REPLACEMENTS)
      fastify.log.info({ path, chars: text.length, mode: c.SYSTEM_PROMPT_MODE }, 'system prompt file loaded')
    } catch (err) {
      if (mtime !== -2) fastify.log.warn({ path, code: (err as NodeJS.ErrnoException).code }, 'system prompt file unreadable; using the client\'s system prompt')
      mtime = -2
      edit = buildSystemEdit(undefined, c.SYSTEM_PROMPT_MODE, c.SYSTEM_PROMPT_REPLACEMENTS)
    }
  }
  load()
  const timer = setInterval(load, 1000)
  timer.unref()
  fastify.addHook('onClose', async () => { clearInterval(timer) })
}

export default fp(systemPromptPlugin, { name: 'switchboard-system-prompt', fastify: '5.x', dependencies: ['switchboard-config'] })
