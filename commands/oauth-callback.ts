import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * The loopback end of an OAuth installed-app login: an HTTP server on 127.0.0.1 (a free port) that waits for the
 * browser's redirect to /oauth2callback. Google only allows loopback IP literals as redirect URIs for installed
 * apps, and binding to 127.0.0.1 keeps the code away from other machines.
 */

export interface CallbackResult {
  code: string
  /** Answers the waiting browser page once the login finished (or failed); resolves when the page is sent. */
  reply(ok: boolean, message: string): Promise<void>
}

export interface CallbackServer {
  redirectUri: string
  /** Resolves with the code; rejects on an OAuth error, a state mismatch, or the timeout. */
  result: Promise<CallbackResult>
  close(): Promise<void>
}

const PATH = '/oauth2callback'

function page (res: ServerResponse, status: number, ok: boolean, message: string): void {
  const title = ok ? 'Signed in' : 'Sign-in failed'
  const safe = message.replace(/[&<>"]/g, c => `&#${c.charCodeAt(0)};`)
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  res.end(`<!doctype html><meta charset="utf-8"><title>Switchboard: ${title}</title><h1>${title}</h1><p>${safe}</p>`)
}

export async function startCallbackServer (expectedState: string, timeoutMs: number): Promise<CallbackServer> {
  let settle: { resolve: (r: CallbackResult) => void, reject: (e: Error) => void } | undefined
  const result = new Promise<CallbackResult>((resolve, reject) => { settle = { resolve, reject } })
  const finish = (fn: (s: NonNullable<typeof settle>) => void): void => {
    const s = settle
    settle = undefined
    if (s !== undefined) fn(s)
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    // Browsers also ask for /favicon.ico and the like: those are not the callback and must not end the login.
    if (url.pathname !== PATH || settle === undefined) return page(res, 404, false, 'Not the sign-in callback.')
    const q = url.searchParams
    const error = q.get('error')
    if (error !== null) {
      const description = q.get('error_description')
      page(res, 400, false, 'Google did not grant access. You can close this tab.')
      return finish(s => s.reject(new Error(`Google refused the sign-in: ${error}${description === null ? '' : ` (${description})`}`)))
    }
    if (q.get('state') !== expectedState) {
      page(res, 400, false, 'The sign-in answer does not belong to this login (state mismatch).')
      return finish(s => s.reject(new Error('The OAuth callback carried the wrong state (a stale browser tab, or a forged request); run the login again')))
    }
    const code = q.get('code')
    if (code === null || code === '') {
      page(res, 400, false, 'No authorization code was received.')
      return finish(s => s.reject(new Error('The OAuth callback carried no authorization code')))
    }
    finish(s => s.resolve({
      code,
      reply: async (ok, message) => {
        const sent = new Promise<void>(resolve => res.once('close', () => resolve()))
        page(res, ok ? 200 : 500, ok, message)
        await sent
      }
    }))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const timer = setTimeout(() => finish(s => s.reject(new Error(`No sign-in within ${Math.round(timeoutMs / 60_000)} minutes; run the login again`))), timeoutMs)
  timer.unref()
  const { port } = server.address() as AddressInfo
  return {
    redirectUri: `http://127.0.0.1:${port}${PATH}`,
    result,
    close: async () => {
      clearTimeout(timer)
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
