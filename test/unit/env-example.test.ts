import t from 'tap'
import { readFileSync } from 'node:fs'
import { GatewayConfig } from '../../schemas/config.js'

t.test('.env.example documents every configuration key', async t => {
  const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
  for (const key of Object.keys(GatewayConfig.properties)) {
    t.match(text, new RegExp(`^# ${key}=`, 'm'), key)
  }
})
