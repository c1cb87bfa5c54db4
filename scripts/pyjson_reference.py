#!/usr/bin/env python3
"""Goldens for src/util/pyjson.ts, produced by Python's own json module.

Each case is a JSON text; Python reads it with json.loads and writes it back with json.dumps under several
option sets. The TypeScript module must give the same strings for the same text.

    python3 scripts/pyjson_reference.py > test/fixtures/pyjson/cases.json
"""
import json
import sys

INPUTS = [
    '{"amount": 2, "gb": 2.0, "price": 49.0, "ratio": 0.1}',
    '[1e-05, 1e16, 1e+16, 123456789.0, 1.5e300, 0.30000000000000004, -0.0, -0, 5e-324]',
    '{"big": 123456789012345678901234567890, "neg": -9007199254740993, "huge": 1E400}',
    '{"z": 1, "a": {"y": [], "b": {}}, "m": [true, false, null]}',
    '{"text": "caf\\u00e9 \\u2603 \\ud83d\\ude00 tab\\there \\"q\\" back\\\\slash \\u007f \\u0001 \\n"}',
    '{"\\u00e9": 1, "e": 2, "\\ud83d\\ude00": 3, "\\uffff": 4, "E": 5}',
    '[]',
    '{}',
    '"just a string"',
    '[[[]], [{}], [{"k": [1, 2.5, "x"]}]]',
    '{"order_id": "#W2378156", "items": [{"price": 54.04, "options": {"size": "L"}}], "cancel_reason": null}',
]

OPTIONS = {
    'default': {},
    'ensure_ascii_false': {'ensure_ascii': False},
    'sort_keys': {'sort_keys': True},
    'indent2': {'indent': 2},
    'indent4_sort': {'indent': 4, 'sort_keys': True},
    'compact': {'separators': (',', ':')},
}

cases = []
for text in INPUTS:
    value = json.loads(text)
    cases.append({'input': text, 'dumps': {name: json.dumps(value, **opts) for name, opts in OPTIONS.items()}})
json.dump({'python': sys.version.split()[0], 'cases': cases}, sys.stdout, indent=2, ensure_ascii=False)
sys.stdout.write('\n')
