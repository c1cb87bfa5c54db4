import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalJson,
  hashJson,
  lookup,
  makeToolDomain,
  param,
  ToolError,
  tool,
} from '../../src/domains/kit.js';

describe('canonicalJson / hashJson', () => {
  it('ignores key order at every level but not array order', () => {
    const a = { b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } };
    const b = { a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 };
    assert.equal(canonicalJson(a), '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    assert.equal(hashJson(a), hashJson(b));
    assert.notEqual(hashJson([1, 2]), hashJson([2, 1]));
    assert.equal(canonicalJson({ a: undefined, b: 'x' }), '{"b":"x"}');
  });
});

describe('tool environments', () => {
  const domain = makeToolDomain({
    name: 'tiny',
    policy: '',
    tasks: [],
    db: { n: 0 },
    tools: [
      tool(
        'add',
        'Add to n.',
        { by: param.str('amount'), 'note?': param.str('optional') },
        (db: { n: number }, args) => {
          const by = Number(args.str('by'));
          if (!Number.isFinite(by)) throw new ToolError('by must be numeric');
          db.n += by;
          return { n: db.n, note: args.optStr('note') ?? null };
        },
      ),
      tool('boom', 'A bug.', {}, () => {
        throw new TypeError('bug');
      }),
    ],
  });

  it('builds schemas with required and optional parameters', () => {
    const add = domain.tools[0]!;
    assert.deepEqual(add.parameters.required, ['by']);
    assert.deepEqual(Object.keys(add.parameters.properties), ['by', 'note']);
    assert.equal(add.parameters.additionalProperties, false);
  });

  it('returns JSON results, error values for tool errors, and rethrows bugs', () => {
    const env = domain.createEnvironment({} as never);
    assert.deepEqual(env.execute('add', { by: '2' }), { ok: true, content: '{"n":2,"note":null}' });
    assert.deepEqual(env.execute('add', { by: 'x' }), { ok: false, content: 'Error: by must be numeric' });
    assert.equal(env.execute('add', null as never).ok, false);
    assert.throws(() => env.execute('boom', {}), TypeError);
    assert.equal(domain.createEnvironment({} as never).dbHash(), hashJson({ n: 0 }));
  });
});

describe('shared records', () => {
  type Db = { items: Record<string, { n: number; tags: string[] }> };
  const initial: Db = { items: { a: { n: 1, tags: ['x'] }, b: { n: 2, tags: [] } } };
  const domain = makeToolDomain<Db>({
    name: 'shared',
    policy: '',
    tasks: [],
    db: initial,
    tools: [
      tool('bump', 'Bump one item.', { id: param.str('item id') }, (db, args) => {
        const item = lookup(db.items, args.str('id'), 'item');
        item.n += 1;
        item.tags.push('bumped');
        return item;
      }),
      tool('sneaky', 'Mutates without lookup.', {}, (db) => {
        Object.values(db.items)[0]!.n = 99;
      }),
    ],
  });

  it('copies a record when a tool looks it up, so writes stay private', () => {
    const a = domain.createEnvironment({} as never);
    const b = domain.createEnvironment({} as never);
    const before = a.dbHash();
    assert.equal(before, hashJson(initial));
    assert.equal(a.execute('bump', { id: 'a' }).content, '{"n":2,"tags":["x","bumped"]}');
    assert.equal(a.execute('bump', { id: 'a' }).content, '{"n":3,"tags":["x","bumped","bumped"]}');
    assert.equal(
      hashJson({ items: { a: { n: 3, tags: ['x', 'bumped', 'bumped'] }, b: { n: 2, tags: [] } } }),
      a.dbHash(),
    );
    assert.equal(b.dbHash(), before);
    assert.deepEqual(initial.items.a, { n: 1, tags: ['x'] });
    assert.match(a.execute('bump', { id: 'zz' }).content, /^Error: item not found: zz$/);
  });

  it('makes a mutation that bypasses lookup fail loudly instead of leaking', () => {
    const env = domain.createEnvironment({} as never);
    assert.throws(() => env.execute('sneaky', {}), TypeError);
    assert.equal(initial.items.a!.n, 1);
  });
});
