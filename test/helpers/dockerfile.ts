/** One Dockerfile instruction: keyword and its argument text (continuation lines joined). */
export interface Instruction { keyword: string, args: string }

/** Build stages: each FROM starts one; its name is the `AS` alias. */
export interface Stage { from: string, name?: string, instructions: Instruction[] }

/** A small Dockerfile reader: comments and blank lines dropped, `\` continuations joined, split into stages. */
export function parseDockerfile (text: string): Stage[] {
  const logical: string[] = []
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (pending === '' && (line === '' || line.startsWith('#'))) continue
    if (line.endsWith('\\')) { pending += `${line.slice(0, -1).trim()} `; continue }
    logical.push(pending + line)
    pending = ''
  }
  const stages: Stage[] = []
  for (const line of logical) {
    const match = /^(\w+)\s+(.*)$/s.exec(line)
    if (match === null) continue
    const keyword = (match[1] ?? '').toUpperCase()
    const args = match[2] ?? ''
    if (keyword === 'FROM') {
      const [from = '', as, name] = args.split(/\s+/)
      stages.push({ from, ...(as?.toUpperCase() === 'AS' && name !== undefined ? { name } : {}), instructions: [] })
    } else {
      stages.at(-1)?.instructions.push({ keyword, args })
    }
  }
  return stages
}

/** The JSON-array (exec) form of CMD/HEALTHCHECK CMD/VOLUME, or the shell form wrapped as sh -c. */
export function execForm (args: string): string[] {
  const trimmed = args.trim()
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as string[]
  return ['/bin/sh', '-c', trimmed]
}
