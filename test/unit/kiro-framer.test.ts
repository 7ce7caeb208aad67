import t, { type Test } from 'tap'
import { crc32 } from '@aws-crypto/crc32'
import { EventStreamFramer, readEventStream, type KiroFrame } from '../../providers/claude-kiro-oauth/event-stream-framer.js'
import { isGatewayError } from '../../plugins/gateway-error.js'
import { encodeKiroFrame } from '../fakes/kiro-server.js'

const events = [
  { eventType: 'assistantResponseEvent', payload: { content: 'Grüße aus Tromsø — ' } },
  { eventType: 'assistantResponseEvent', payload: { content: '雪が降っています 🌨️' }, nested: true },
  { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 'tooluse_1', input: '{"city":"Troms' } },
  { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 'tooluse_1', input: 'ø"}', stop: true } },
  { eventType: 'metadataEvent', payload: { tokenUsage: { uncachedInputTokens: 10, outputTokens: 5 } } }
]

const stream = Buffer.concat(events.map(encodeKiroFrame))

function decodeAll (chunks: Uint8Array[]): KiroFrame[] {
  const framer = new EventStreamFramer()
  const frames: KiroFrame[] = []
  for (const chunk of chunks) frames.push(...framer.push(chunk))
  framer.end()
  return frames
}

async function * chunksOf (...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part
}

const expected = decodeAll([stream])

t.test('decodes headers and JSON payloads of whole frames', async (t) => {
  t.equal(expected.length, 5)
  t.same(expected[0], { messageType: 'event', eventType: 'assistantResponseEvent', payload: { content: 'Grüße aus Tromsø — ' } })
  t.same(expected[1]?.payload, { assistantResponseEvent: { content: '雪が降っています 🌨️' } })
  t.equal(expected[3]?.eventType, 'toolUseEvent')
})

t.test('a split at every byte offset yields the same frames (multi-byte UTF-8 included)', async (t) => {
  for (let i = 0; i <= stream.length; i++) {
    const frames = decodeAll([stream.subarray(0, i), stream.subarray(i)])
    if (JSON.stringify(frames) !== JSON.stringify(expected)) {
      t.fail(`split at ${i} changed the frames`)
      return
    }
  }
  t.pass('all splits agree')
})

t.test('one byte at a time, and three-way splits, agree too', async (t) => {
  const bytes = [...stream].map((b) => Uint8Array.of(b))
  t.same(decodeAll(bytes), expected)
  for (let i = 1; i < stream.length; i += 7) {
    for (let j = i; j < stream.length; j += 13) {
      const frames = decodeAll([stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)])
      if (JSON.stringify(frames) !== JSON.stringify(expected)) return t.fail(`split at ${i}/${j}`)
    }
  }
})

t.test('readEventStream over an async body', async (t) => {
  const frames: KiroFrame[] = []
  for await (const f of readEventStream(chunksOf(stream.subarray(0, 50), stream.subarray(50)))) frames.push(f)
  t.same(frames, expected)
})

function expectCorrupt (t: Test, fn: () => unknown, detail: RegExp): void {
  try {
    fn()
    t.fail('expected a corrupt-frame error')
  } catch (err) {
    t.ok(isGatewayError(err), 'a GatewayError')
    if (!isGatewayError(err)) return
    t.equal(err.status, 502)
    t.match(err.message, /corrupt event-stream frame from Kiro/)
    t.match(err.message, detail)
  }
}

t.test('a bad prelude CRC is a 502, even before the rest of the frame arrives', async (t) => {
  const bad = Buffer.from(stream)
  bad[8] = (bad[8] ?? 0) ^ 0xff
  expectCorrupt(t, () => new EventStreamFramer().push(bad.subarray(0, 12)), /prelude CRC/)
})

t.test('a bad message CRC is a 502, never garbled text', async (t) => {
  const first = encodeKiroFrame(events[0]!)
  const bad = Buffer.from(first)
  bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01
  expectCorrupt(t, () => new EventStreamFramer().push(bad), /message CRC/)
  const flipped = Buffer.from(first)
  flipped[first.length - 8] = (flipped[first.length - 8] ?? 0) ^ 0x20 // a payload byte
  expectCorrupt(t, () => new EventStreamFramer().push(flipped), /message CRC/)
})

t.test('absurd lengths are rejected without waiting or allocating', async (t) => {
  const prelude = Buffer.alloc(12)
  prelude.writeUInt32BE(0xfffffff0, 0)
  prelude.writeUInt32BE(0, 4)
  prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8)
  expectCorrupt(t, () => new EventStreamFramer().push(prelude), /out of range/)
  const tiny = Buffer.alloc(12)
  tiny.writeUInt32BE(8, 0)
  tiny.writeUInt32BE(crc32(tiny.subarray(0, 8)), 8)
  expectCorrupt(t, () => new EventStreamFramer().push(tiny), /out of range/)
  const headers = Buffer.alloc(12)
  headers.writeUInt32BE(100, 0)
  headers.writeUInt32BE(90, 4)
  headers.writeUInt32BE(crc32(headers.subarray(0, 8)), 8)
  expectCorrupt(t, () => new EventStreamFramer().push(headers), /headers length/)
})

t.test('a body that ends inside a frame is a 502', async (t) => {
  const framer = new EventStreamFramer()
  t.equal(framer.push(stream.subarray(0, stream.length - 3)).length, 4)
  expectCorrupt(t, () => framer.end(), /ended inside a frame/)
  await t.rejects(async () => {
    for await (const f of readEventStream(chunksOf(stream.subarray(0, 20)))) t.fail(`unexpected frame ${f.eventType}`)
  }, new Error('corrupt event-stream frame from Kiro (stream ended inside a frame, 20 bytes left over)'))
})

t.test('non-JSON and empty payloads', async (t) => {
  const codecFrames = decodeAll([
    encodeKiroFrame({ messageType: 'exception', exceptionType: 'ThrottlingException', payload: { message: 'slow down' } }),
    encodeKiroFrame({ messageType: 'error', errorCode: 'InternalError', errorMessage: 'boom' })
  ])
  t.same(codecFrames[0], { messageType: 'exception', eventType: '', exceptionType: 'ThrottlingException', payload: { message: 'slow down' } })
  t.same(codecFrames[1], { messageType: 'error', eventType: '', errorCode: 'InternalError', errorMessage: 'boom', payload: undefined })
})

t.test('good frames before a corrupt one in the same chunk are delivered first', async (t) => {
  const bad = Buffer.from(stream)
  const third = encodeKiroFrame(events[0]!).length + encodeKiroFrame(events[1]!).length
  bad[third + 8] = (bad[third + 8] ?? 0) ^ 0xff // prelude CRC of the third frame
  const framer = new EventStreamFramer()
  t.same(framer.push(bad), expected.slice(0, 2))
  expectCorrupt(t, () => framer.push(new Uint8Array(0)), /prelude CRC/)
  expectCorrupt(t, () => framer.end(), /prelude CRC/)
})
