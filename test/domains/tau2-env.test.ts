import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEnvironment, toJsonStr } from '../../src/domains/tau2/env/environment.js';
import { defineModel, t, updateModel, validateModel } from '../../src/domains/tau2/env/model.js';
import { getattr, PyError, pyEquals, pyIn, pyRepr, pyStr } from '../../src/domains/tau2/env/python.js';
import { bindArguments, createToolKit, type ToolKitSpec } from '../../src/domains/tau2/env/toolkit.js';
import { loadsPy } from '../../src/util/pyjson.js';

/** The PyError's `str()`, as tau2 shows it after `Error: `. */
function pyMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof PyError) return err.message;
    throw err;
  }
  assert.fail('expected a Python exception');
}

describe('Python semantics', () => {
  it('repr and str as Python 3.12 writes them', () => {
    const v = loadsPy('{"first_name": "Sophia", "n": [2, 2.0, 1e2, true, null], "q": "it\'s"}');
    assert.equal(pyRepr(v), `{'first_name': 'Sophia', 'n': [2, 2.0, 100.0, True, None], 'q': "it's"}`);
    assert.equal(pyStr('Réunion'), 'Réunion');
    assert.equal(pyRepr('a\nb\\\'"'), `'a\\nb\\\\\\'"'`);
    assert.equal(pyStr(2.5), '2.5');
    assert.equal(pyStr(null), 'None');
  });

  it('`in` on a dict: unhashable keys raise, non-str keys are absent', () => {
    const d = { user_1: 'x' };
    assert.equal(pyIn('user_1', d), true);
    assert.equal(pyIn(1n, d), false);
    assert.equal(
      pyMessage(() => pyIn(['user_1'], d)),
      "unhashable type: 'list'",
    );
    assert.equal(
      pyMessage(() => pyIn({ a: 1n }, d)),
      "unhashable type: 'dict'",
    );
  });

  it('== across int, float and bool; dicts regardless of order', () => {
    assert.equal(pyEquals(1n, 1.0), true);
    assert.equal(pyEquals(true, 1n), true);
    assert.equal(pyEquals('1', 1n), false);
    assert.equal(pyEquals(loadsPy('{"a": 1, "b": [2]}'), loadsPy('{"b": [2.0], "a": 1}')), true);
    assert.equal(pyEquals(loadsPy('{"a": 1}'), loadsPy('{"a": 1, "b": null}')), false);
  });
});

const Item = defineModel('Item', { name: t.str, price: t.float, count: { type: t.int, default: () => 1n } });
const Shop = defineModel('Shop', { items: t.dict(t.model(Item)), note: t.optional(t.str) }, 'forbid');

describe('pydantic-like models', () => {
  it('lax mode: ints become floats where a float is declared, numeric strings parse', () => {
    const item = validateModel(Item, loadsPy('{"price": "100", "name": "x", "count": 2.0}'));
    assert.deepEqual(Object.keys(item), ['name', 'price', 'count']);
    assert.equal(item['price'], 100);
    assert.equal(item['count'], 2n);
    assert.equal(toJsonStr(item), '{"name": "x", "price": 100.0, "count": 2}');
  });

  it('ValidationError texts as pydantic 2.12 writes them', () => {
    assert.equal(
      pyMessage(() => validateModel(Item, loadsPy('{"name": 2, "price": "ten"}'))),
      [
        '2 validation errors for Item',
        'name',
        '  Input should be a valid string [type=string_type, input_value=2, input_type=int]',
        '    For further information visit https://errors.pydantic.dev/2.12/v/string_type',
        'price',
        "  Input should be a valid number, unable to parse string as a number [type=float_parsing, input_value='ten', input_type=str]",
        '    For further information visit https://errors.pydantic.dev/2.12/v/float_parsing',
      ].join('\n'),
    );
    // Texts from pydantic 2.12.4 for the same models; `note` (Optional, no default) is required.
    assert.equal(
      pyMessage(() => validateModel(Shop, loadsPy('{"items": {"a": {"name": "x"}}, "extra": 1}'))),
      [
        '3 validation errors for Shop',
        'items.a.price',
        "  Field required [type=missing, input_value={'name': 'x'}, input_type=dict]",
        '    For further information visit https://errors.pydantic.dev/2.12/v/missing',
        'note',
        "  Field required [type=missing, input_value={'items': {'a': {'name': 'x'}}, 'extra': 1}, input_type=dict]",
        '    For further information visit https://errors.pydantic.dev/2.12/v/missing',
        'extra',
        '  Extra inputs are not permitted [type=extra_forbidden, input_value=1, input_type=int]',
        '    For further information visit https://errors.pydantic.dev/2.12/v/extra_forbidden',
      ].join('\n'),
    );
    // Long input reprs are cut by UTF-8 bytes: 25 before '...', 24 after.
    assert.match(
      pyMessage(() =>
        validateModel(
          Shop,
          loadsPy(`{"items": {}, "note": ["${'é'.repeat(30)}", "abcdefghijklmnopqrstuvwxyz0123456789"]}`),
        ),
      ),
      /input_value=\['ééééééééééé\.\.\.opqrstuvwxyz0123456789'\], input_type=list\]/,
    );
    assert.equal(
      validateModel(Item, loadsPy('{"name": "x", "price": "1_0.5", "count": " 12.0 "}'))['count'],
      12n,
    );
  });

  it('update_pydantic_model_with_dict: dicts merge recursively, lists replace, new keys go last', () => {
    const shop = validateModel(Shop, loadsPy('{"items": {"a": {"name": "x", "price": 1.5}}, "note": null}'));
    const updated = updateModel(
      shop,
      loadsPy('{"items": {"b": {"name": "y", "price": 2}, "a": {"count": 5}}}') as never,
    );
    assert.deepEqual(Object.keys(updated['items'] as object), ['a', 'b']);
    assert.equal(
      toJsonStr(updated),
      '{"items": {"a": {"name": "x", "price": 1.5, "count": 5}, "b": {"name": "y", "price": 2.0, "count": 1}}, "note": null}',
    );
    assert.equal(
      (shop['items'] as Record<string, Record<string, unknown>>)['a']!['count'],
      1n,
      'the old instance is untouched',
    );
  });

  it('attribute access names the model class', () => {
    const shop = validateModel(Shop, loadsPy('{"items": {}, "note": "n"}'));
    assert.equal(
      pyMessage(() => getattr(shop, 'notifications')),
      "'Shop' object has no attribute 'notifications'",
    );
  });
});

describe('toolkits and the environment', () => {
  it("binds arguments with Python's TypeError texts", () => {
    const params = [
      { name: 'a', type: t.str },
      { name: 'b', type: t.str },
      { name: 'c', type: t.str },
      { name: 'd', type: t.str, default: null },
    ];
    assert.equal(
      pyMessage(() => bindArguments('K.f', params, {})),
      "K.f() missing 3 required positional arguments: 'a', 'b', and 'c'",
    );
    assert.equal(
      pyMessage(() => bindArguments('K.f', params, { a: '', b: '' })),
      "K.f() missing 1 required positional argument: 'c'",
    );
    // An unknown keyword is reported before missing ones, as CPython binds keywords first.
    assert.equal(
      pyMessage(() => bindArguments('K.f', params, { z: 1n })),
      "K.f() got an unexpected keyword argument 'z'",
    );
    assert.deepEqual(bindArguments('K.f', params, { c: '3', a: '1', b: '2' }), {
      a: '1',
      b: '2',
      c: '3',
      d: null,
    });
  });

  const kit: ToolKitSpec = {
    className: 'Kit',
    tools: [
      {
        name: 'numbers',
        description: '',
        toolType: 'read',
        params: [],
        run: () => loadsPy('{"n": 4.0, "i": 5, "ok": true, "none": null, "s": "é"}'),
      },
      {
        name: 'bump',
        description: '',
        toolType: 'write',
        params: [],
        run: (db) => {
          db['note'] = 'bumped';
          return null;
        },
      },
    ],
  };
  const env = () => {
    let syncs = 0;
    const e = createEnvironment({
      domain: 'x',
      tools: createToolKit(kit, validateModel(Shop, loadsPy('{"items": {}, "note": null}'))),
      sync: () => {
        syncs++;
      },
    });
    return { e, syncs: () => syncs };
  };

  it('to_json_str: numbers and bools in a plain dict become strings, non-ASCII is escaped', () => {
    assert.deepEqual(env().e.getResponse({ name: 'numbers', arguments: {}, requestor: 'assistant' }), {
      content: '{"n": "4.0", "i": "5", "ok": "True", "none": null, "s": "\\u00e9"}',
      error: false,
    });
  });

  it('get_response: unknown tools and missing user tools are errors; only successful calls sync', () => {
    const { e, syncs } = env();
    assert.equal(syncs(), 1, 'Environment.__init__ syncs once');
    assert.deepEqual(e.getResponse({ name: 'nope', arguments: {}, requestor: 'assistant' }), {
      content: "Error: Tool 'nope' not found.",
      error: true,
    });
    assert.deepEqual(e.getResponse({ name: 'bump', arguments: {}, requestor: 'user' }), {
      content: 'Error: User tools not available',
      error: true,
    });
    assert.equal(syncs(), 1);
    assert.deepEqual(e.getResponse({ name: 'bump', arguments: {}, requestor: 'assistant' }), {
      content: 'null',
      error: false,
    });
    assert.equal(syncs(), 2);
    assert.equal(e.userDbHash(), null);
  });

  it('hashes the DB as sha256 of json.dumps(model_dump, sort_keys=True, default=str)', () => {
    // Both hashes from Python: hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()
    assert.equal(env().e.dbHash(), 'fed7d9b1ea17b9cb2c38f893594efbee79f3ab9c0b2af86887390c46442c9906');
    const kit2 = createToolKit(
      kit,
      validateModel(Shop, loadsPy('{"note": "é", "items": {"b": {"price": 2, "name": "y"}}}')),
    );
    assert.equal(kit2.dbHash(), 'ab5029da35c2170c63bbf41736e19446ab2fa05b43de69e174386757950272b9');
  });
});
