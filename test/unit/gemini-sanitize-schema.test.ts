import t from 'tap'
import { toGeminiParameters, toGeminiSchema } from '../../schemas/gemini/sanitize-schema.js'
import { fromGeminiSchema } from '../../schemas/gemini/openapi-schema.js'
import { geminiSchemaViolations } from './gemini-helpers.js'

// zod-to-json-schema 3.x output for a realistic object (relative $ref reuse, const, nullable, record, email).
const zodSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    age: { type: 'integer', exclusiveMinimum: 0 },
    email: { type: 'string', format: 'email' },
    role: { type: 'string', enum: ['admin', 'user'] },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 5 },
    nickname: { type: ['string', 'null'] },
    status: { type: 'string', const: 'active' },
    meta: { type: 'object', additionalProperties: { type: 'string' } },
    home: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    work: { $ref: '#/properties/home' },
    createdAt: { type: 'string', format: 'date-time' }
  },
  required: ['name', 'age'],
  additionalProperties: false,
  $schema: 'http://json-schema.org/draft-07/schema#'
}

// Pydantic v2 model_json_schema(): $defs, Optional via anyOf null, enum via allOf-wrapped $ref, titles and defaults.
const pydanticSchema = {
  $defs: {
    Address: { properties: { street: { title: 'Street', type: 'string' } }, required: ['street'], title: 'Address', type: 'object' },
    Color: { enum: ['red', 'green'], title: 'Color', type: 'string' }
  },
  properties: {
    address: { anyOf: [{ $ref: '#/$defs/Address' }, { type: 'null' }], default: null },
    color: { allOf: [{ $ref: '#/$defs/Color' }], description: 'Favourite colour' },
    count: { default: 3, title: 'Count', type: 'integer' }
  },
  required: ['color'],
  title: 'Model',
  type: 'object'
}

// The MCP filesystem server's edit_file input schema (zod → JSON Schema, as sent over MCP).
const mcpEditFile = {
  type: 'object',
  properties: {
    path: { type: 'string' },
    edits: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          oldText: { type: 'string', description: 'Text to search for - must match exactly' },
          newText: { type: 'string', description: 'Text to replace with' }
        },
        required: ['oldText', 'newText'],
        additionalProperties: false
      }
    },
    dryRun: { type: 'boolean', default: false, description: 'Preview changes using git-style diff format' }
  },
  required: ['path', 'edits'],
  additionalProperties: false,
  $schema: 'http://json-schema.org/draft-07/schema#'
}

const recursiveTree = {
  type: 'object',
  properties: { root: { $ref: '#/definitions/Node' } },
  definitions: {
    Node: {
      type: 'object',
      description: 'A tree node',
      properties: { value: { type: 'string' }, children: { type: 'array', items: { $ref: '#/definitions/Node' } } }
    }
  }
}

t.test('zod-to-json-schema output', async t => {
  const out = toGeminiSchema(zodSchema)
  t.same(geminiSchemaViolations(out), [])
  t.same(out, {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1 },
      age: { type: 'integer', minimum: 0 },
      email: { type: 'string' },
      role: { type: 'string', enum: ['admin', 'user'] },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 5 },
      nickname: { type: 'string', nullable: true },
      status: { type: 'string', enum: ['active'] },
      meta: { type: 'object' },
      home: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      work: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      createdAt: { type: 'string', format: 'date-time' }
    },
    required: ['name', 'age']
  })
})

t.test('pydantic $defs, Optional and allOf-wrapped refs', async t => {
  const out = toGeminiSchema(pydanticSchema)
  t.same(geminiSchemaViolations(out), [])
  t.same(out, {
    type: 'object',
    title: 'Model',
    properties: {
      address: { type: 'object', title: 'Address', properties: { street: { type: 'string', title: 'Street' } }, required: ['street'], nullable: true },
      color: { type: 'string', title: 'Color', description: 'Favourite colour', enum: ['red', 'green'] },
      count: { type: 'integer', title: 'Count', default: 3 }
    },
    required: ['color']
  })
})

t.test('MCP tool schema', async t => {
  const out = toGeminiParameters(mcpEditFile)
  t.same(geminiSchemaViolations(out), [])
  t.same(out.required, ['path', 'edits'])
  t.same((out.properties as Record<string, unknown>).dryRun, { type: 'boolean', description: 'Preview changes using git-style diff format', default: false })
})

t.test('recursive $ref is cut at the cycle', async t => {
  const out = toGeminiSchema(recursiveTree)
  t.same(geminiSchemaViolations(out), [])
  t.same(out, {
    type: 'object',
    properties: {
      root: {
        type: 'object',
        description: 'A tree node',
        properties: {
          value: { type: 'string' },
          children: { type: 'array', items: { type: 'object', description: 'A tree node' } }
        }
      }
    }
  })
})

t.test('self-referencing root and mutual recursion terminate', async t => {
  const self = { type: 'object', properties: { next: { $ref: '#' }, label: { type: 'string' } } }
  const out = toGeminiSchema(self)
  t.same(out.properties, { next: { type: 'object', properties: { next: { type: 'object' }, label: { type: 'string' } } }, label: { type: 'string' } })
  const mutual = {
    $defs: { A: { type: 'object', properties: { b: { $ref: '#/$defs/B' } } }, B: { type: 'object', properties: { a: { $ref: '#/$defs/A' } } } },
    $ref: '#/$defs/A'
  }
  const m = toGeminiSchema(mutual)
  t.same(geminiSchemaViolations(m), [])
  t.same(m, { type: 'object', properties: { b: { type: 'object', properties: { a: { type: 'object' } } } } })
})

t.test('unions: oneOf → anyOf, null branches → nullable, single branch hoisted', async t => {
  const out = toGeminiSchema({
    type: 'object',
    properties: {
      shape: {
        description: 'A shape',
        oneOf: [
          { type: 'object', properties: { kind: { const: 'circle' }, r: { type: 'number' } }, required: ['kind', 'r'] },
          { type: 'object', properties: { kind: { const: 'square' }, side: { type: 'number' } }, required: ['kind', 'side'] },
          { type: 'null' }
        ]
      },
      maybe: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }], description: 'Optional count' },
      multi: { type: ['string', 'number', 'null'], description: 'Either' },
      onlyNull: { type: 'null' }
    }
  })
  t.same(geminiSchemaViolations(out), [])
  const props = out.properties as Record<string, Record<string, unknown>>
  t.same(props.shape, {
    description: 'A shape',
    nullable: true,
    anyOf: [
      { type: 'object', properties: { kind: { type: 'string', enum: ['circle'] }, r: { type: 'number' } }, required: ['kind', 'r'] },
      { type: 'object', properties: { kind: { type: 'string', enum: ['square'] }, side: { type: 'number' } }, required: ['kind', 'side'] }
    ]
  })
  t.same(props.maybe, { type: 'integer', minimum: 1, description: 'Optional count', nullable: true })
  t.same(props.multi, { anyOf: [{ type: 'string' }, { type: 'number' }], nullable: true, description: 'Either' })
  t.same(props.onlyNull, { type: 'string', nullable: true })
})

t.test('allOf merges properties, required and bounds', async t => {
  const out = toGeminiSchema({
    allOf: [
      { type: 'object', properties: { a: { type: 'string', minLength: 2 } }, required: ['a'] },
      { properties: { b: { type: 'integer' }, a: { maxLength: 5 } }, required: ['b'] }
    ],
    description: 'merged'
  })
  t.same(geminiSchemaViolations(out), [])
  t.same(out, {
    type: 'object',
    description: 'merged',
    properties: { a: { type: 'string', minLength: 2, maxLength: 5 }, b: { type: 'integer' } },
    required: ['a', 'b']
  })
})

t.test('enums: values stringified, null → nullable, numeric enums described', async t => {
  const out = toGeminiSchema({
    type: 'object',
    properties: {
      mixed: { enum: ['a', 1, true, null] },
      level: { type: 'integer', enum: [1, 2, 3], description: 'Level' },
      flag: { type: 'boolean', enum: [true] },
      c: { const: 42 }
    }
  })
  t.same(geminiSchemaViolations(out), [])
  const props = out.properties as Record<string, unknown>
  t.same(props.mixed, { type: 'string', enum: ['a', '1', 'true'], nullable: true })
  t.same(props.level, { type: 'integer', description: 'Level (Allowed values: 1, 2, 3)' })
  t.same(props.flag, { type: 'boolean', description: 'Allowed values: true' })
  t.same(props.c, { type: 'string', enum: ['42'] })
})

t.test('unknown keys dropped recursively, property names kept', async t => {
  const out = toGeminiSchema({
    type: 'object',
    $id: 'urn:x', $comment: 'c', 'x-internal': true, deprecated: true, readOnly: true,
    patternProperties: { '^x': { type: 'string' } }, propertyNames: { pattern: '^[a-z]+$' }, unevaluatedProperties: false,
    if: { properties: { a: { const: 1 } } }, then: { required: ['b'] }, else: {}, not: { required: ['z'] },
    properties: {
      type: { type: 'string', examples: ['x'], multipleOf: 2 },
      $ref: { type: 'number', multipleOf: 0.5, exclusiveMaximum: 10, format: 'double' },
      properties: { type: 'array', uniqueItems: true, contains: { type: 'string' } },
      items: { type: 'string', format: 'uri', contentEncoding: 'base64' }
    },
    required: ['type', 'missing']
  })
  t.same(geminiSchemaViolations(out), [])
  t.same(out, {
    type: 'object',
    properties: {
      type: { type: 'string', example: 'x' },
      $ref: { type: 'number', maximum: 10, format: 'double' },
      properties: { type: 'array', items: { type: 'string' } },
      items: { type: 'string' }
    },
    required: ['type']
  })
})

t.test('every node gets a type', async t => {
  const out = toGeminiSchema({
    properties: {
      anything: {},
      described: { description: 'free text' },
      list: { items: { properties: { x: {} } } },
      num: { minimum: 0 },
      tuple: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] },
      prefix: { type: 'array', prefixItems: [{ type: 'boolean' }] },
      upper: { type: 'STRING' },
      bogus: { type: 'any' },
      yes: true
    }
  })
  t.same(geminiSchemaViolations(out), [])
  t.same(out, {
    type: 'object',
    properties: {
      anything: { type: 'string' },
      described: { type: 'string', description: 'free text' },
      list: { type: 'array', items: { type: 'object', properties: { x: { type: 'string' } } } },
      num: { type: 'number', minimum: 0 },
      tuple: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
      prefix: { type: 'array', items: { type: 'boolean' } },
      upper: { type: 'string' },
      bogus: { type: 'string' },
      yes: { type: 'string' }
    }
  })
})

t.test('defaults and examples only when they fit the type', async t => {
  const out = toGeminiSchema({
    type: 'object',
    properties: {
      a: { type: 'string', default: 5 },
      b: { type: 'integer', default: 1.5, example: 2 },
      c: { type: 'string', enum: ['x', 'y'], default: 'z' },
      d: { type: 'array', items: { type: 'string' }, default: ['q'] }
    }
  })
  t.same(out.properties, {
    a: { type: 'string' },
    b: { type: 'integer', example: 2 },
    c: { type: 'string', enum: ['x', 'y'] },
    d: { type: 'array', items: { type: 'string' }, default: ['q'] }
  })
})

t.test('unresolvable and external refs become plain objects', async t => {
  const out = toGeminiSchema({
    type: 'object',
    properties: {
      ext: { $ref: 'https://example.com/schema.json#/Foo', description: 'external' },
      missing: { $ref: '#/$defs/Nope' },
      escaped: { $ref: '#/$defs/a~1b' }
    },
    $defs: { 'a/b': { type: 'integer' } }
  })
  t.same(out.properties, {
    ext: { type: 'object', description: 'external' },
    missing: { type: 'object' },
    escaped: { type: 'integer' }
  })
})

t.test('toGeminiParameters forces an object root', async t => {
  t.same(toGeminiParameters({}), { type: 'object' })
  t.same(toGeminiParameters(undefined), { type: 'object' })
  t.same(toGeminiParameters({ properties: { q: { type: 'string' } } }), { type: 'object', properties: { q: { type: 'string' } } })
  const union = toGeminiParameters({
    anyOf: [
      { type: 'object', properties: { id: { type: 'string' }, a: { type: 'string' } }, required: ['id', 'a'] },
      { type: 'object', properties: { id: { type: 'string' }, b: { type: 'number' } }, required: ['id'] }
    ],
    description: 'Lookup'
  })
  t.same(union, {
    type: 'object',
    properties: { id: { type: 'string' }, a: { type: 'string' }, b: { type: 'number' } },
    description: 'Lookup',
    required: ['id']
  })
  t.same(toGeminiParameters({ type: ['object', 'null'], properties: { x: { type: 'string' } } }), { type: 'object', properties: { x: { type: 'string' } } })
})

t.test('pathological reuse is bounded', async t => {
  // Each level references the next twice: 2^30 nodes if expanded naively.
  const defs: Record<string, unknown> = {}
  for (let i = 0; i < 30; i++) defs[`L${i}`] = { type: 'object', properties: { l: { $ref: `#/$defs/L${i + 1}` }, r: { $ref: `#/$defs/L${i + 1}` } } }
  defs.L30 = { type: 'string' }
  const started = Date.now()
  const out = toGeminiSchema({ $defs: defs, $ref: '#/$defs/L0' })
  t.ok(Date.now() - started < 2000)
  t.same(geminiSchemaViolations(out), [])
  t.ok(JSON.stringify(out).length < 2_000_000)
})

t.test('the input is not modified', async t => {
  const input = structuredClone(pydanticSchema)
  toGeminiSchema(input)
  t.same(input, pydanticSchema)
})

t.test('fromGeminiSchema: OpenAPI subset → JSON Schema', async t => {
  t.same(fromGeminiSchema({
    type: 'OBJECT',
    properties: {
      city: { type: 'STRING', description: 'City', nullable: true },
      unit: { type: 'STRING', format: 'enum', enum: ['C', 'F'], nullable: true },
      days: { type: 'ARRAY', items: { type: 'INTEGER', format: 'int32' }, minItems: '1' },
      either: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }], nullable: true }
    },
    required: ['city'],
    propertyOrdering: ['city', 'unit'],
    example: { city: 'Oslo' }
  }), {
    type: 'object',
    properties: {
      city: { type: ['string', 'null'], description: 'City' },
      unit: { type: ['string', 'null'], enum: ['C', 'F', null] },
      days: { type: 'array', items: { type: 'integer', format: 'int32' }, minItems: 1 },
      either: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] }
    },
    required: ['city'],
    examples: [{ city: 'Oslo' }]
  })
})

t.test('Gemini schema → JSON Schema → Gemini schema round trip', async t => {
  const gemini = {
    type: 'object',
    properties: {
      city: { type: 'string', description: 'City', nullable: true },
      unit: { type: 'string', enum: ['C', 'F'] },
      days: { type: 'array', items: { type: 'integer' }, minItems: 1 }
    },
    required: ['city']
  }
  t.same(toGeminiSchema(fromGeminiSchema(gemini)), gemini)
})
