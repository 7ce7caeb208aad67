import t from 'tap'
import { claudeCodec } from '../../routes/claude/codec/index.js'
import { toClaudeRequest } from '../../providers/claude-custom/request.js'
import { claudeBody, fixedContext } from './claude-helpers.js'

/**
 * A Claude client's body, decoded to canonical and encoded back for an Anthropic upstream, comes out the same:
 * what the canonical model cannot hold travels in extras.anthropic.
 */
t.test('a Claude Code style body survives decode → toClaudeRequest', async (t) => {
  const original = {
    model: 'claude-opus-4-5',
    max_tokens: 32000,
    system: [
      { type: 'text', text: 'You are Claude Code.' },
      { type: 'text', text: 'Project rules…', cache_control: { type: 'ephemeral' } }
    ],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Find the bug', citations: { enabled: true } }, { type: 'search_result', source: 'https://x', title: 'T', content: [{ type: 'text', text: 'c' }] }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Look at files.', signature: 'EqQBCkYIBxgC' },
          { type: 'redacted_thinking', data: 'EmwKAhgB' },
          { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'bug' } },
          { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
          { type: 'text', text: 'Reading.' },
          { type: 'tool_use', id: 'toolu_01', name: 'Read', input: { file_path: '/a.ts' } },
          { type: 'tool_use', id: 'toolu_02', name: 'Read', input: { file_path: '/b.ts' }, cache_control: { type: 'ephemeral' } }
        ]
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'text', text: 'export const a = 1' }] },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_02',
            is_error: true,
            content: [{ type: 'search_result', source: 's', title: 't', content: [] }, { type: 'text', text: 'ENOENT', cache_control: { type: 'ephemeral' } }],
            cache_control: { type: 'ephemeral', ttl: '1h' }
          },
          { type: 'text', text: 'Continue' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'document', source: { type: 'url', url: 'https://x/doc.pdf' }, title: 'Spec', context: 'ctx' }
        ]
      }
    ],
    tools: [
      { name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] } },
      { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
      { name: 'Edit', input_schema: { type: 'object' }, strict: true, cache_control: { type: 'ephemeral' } }
    ],
    tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    thinking: { type: 'adaptive', display: 'summarized' },
    output_config: { effort: 'xhigh' },
    metadata: { user_id: 'user_abc_account_123_session_x', tenant: 'acme' },
    stop_sequences: ['</done>'],
    stream: true,
    container: 'container_123',
    context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] }
  }
  const req = claudeCodec.decodeRequest(claudeBody(original), fixedContext())
  const rebuilt = toClaudeRequest(req, 'claude-opus-4-5')
  t.same(rebuilt, original)
  t.same(Object.keys(rebuilt).sort(), Object.keys(original).sort())
})

t.test('enabled thinking with sampling and string contents', async (t) => {
  const original = {
    model: 'claude-sonnet-4-5',
    max_tokens: 16000,
    system: 'Be brief.',
    messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'Again' }],
    thinking: { type: 'enabled', budget_tokens: 4000 },
    top_p: 0.99,
    tools: [{ name: 'f', input_schema: { type: 'object', properties: {} } }],
    tool_choice: { type: 'none' }
  }
  const rebuilt = toClaudeRequest(claudeCodec.decodeRequest(claudeBody(original), fixedContext()), original.model)
  t.same(rebuilt, {
    ...original,
    system: [{ type: 'text', text: 'Be brief.' }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] },
      { role: 'user', content: [{ type: 'text', text: 'Again' }] }
    ]
  })
})
