#!/usr/bin/env python3
"""Kubernetes JSON schemas for kubeconform, from Kubernetes' own OpenAPI v2 document (swagger.json).

    k8s-json-schemas.py <swagger.json> <out-dir>

Writes one schema per kind, named as kubeconform looks them up ({{ .ResourceKind }}{{ .KindSuffix }}.json:
job-batch-v1.json, configmap-v1.json, role-rbac-v1.json), in the shape of the published
"standalone-strict" schemas: every definition the kind reaches is inlined under `definitions` (no remote
reference), objects with properties allow no other property (a misspelt field is an error), an int-or-string
is either, and a quantity is a string or a number. Standard library only.
"""
import json
import os
import sys

PREFIX = "#/definitions/"


def fix(node, reached):
    """The node with its refs collected, strictness added and the two string formats widened."""
    if isinstance(node, list):
        return [fix(v, reached) for v in node]
    if not isinstance(node, dict):
        return node
    if node.get("format") == "int-or-string":
        return {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    out = {k: fix(v, reached) for k, v in node.items()}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith(PREFIX):
        reached.add(ref[len(PREFIX):])
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def closure(definitions, name):
    """Every definition reachable from `name`, fixed."""
    done, todo = {}, [name]
    while todo:
        n = todo.pop()
        if n in done:
            continue
        reached = set()
        if n == "io.k8s.apimachinery.pkg.api.resource.Quantity":
            done[n] = {"oneOf": [{"type": "string"}, {"type": "number"}]}
        else:
            done[n] = fix(definitions[n], reached)
        todo.extend(reached - done.keys())
    return done


def file_name(gvk):
    group = gvk["group"].split(".")[0]
    suffix = f"-{group}-{gvk['version']}" if group else f"-{gvk['version']}"
    return f"{gvk['kind'].lower()}{suffix}.json"


def main(swagger_path, out_dir):
    definitions = json.load(open(swagger_path, encoding="utf-8"))["definitions"]
    os.makedirs(out_dir, exist_ok=True)
    written = 0
    for name, schema in sorted(definitions.items()):
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            defs = closure(definitions, name)
            doc = {"$schema": "http://json-schema.org/draft-07/schema#", "$ref": PREFIX + name, "definitions": defs}
            path = os.path.join(out_dir, file_name(gvk))
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                json.dump(doc, f)
            os.replace(path + ".tmp", path)
            written += 1
    if written == 0:
        sys.exit(f"{swagger_path}: no definition has x-kubernetes-group-version-kind")
    print(f"wrote {written} schemas to {out_dir}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
