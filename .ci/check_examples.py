#!/usr/bin/env python3
"""Check that every `example`/`examples` value in an OpenAPI 3.0 document validates against
the schema it belongs to.

Covered: schema objects (at any depth: properties, items, allOf/anyOf/oneOf, not,
additionalProperties), parameters, headers and media types (`example` and `examples[*].value`),
both under `paths` and under `components`. Local `$ref`s are resolved. OpenAPI 3.0 `nullable`
is translated to JSON Schema (`null` is accepted wherever `nullable: true` is set, also when the
schema is an `allOf` wrapper around an enum). Formats date, date-time, email, int32 and int64 are
checked.

Usage: check_examples.py openapi/partner.yaml
Exit status 1 on any mismatch or on an unresolvable `$ref`.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
import sys
from typing import Any

import jsonschema
import yaml

OAS_ONLY = {"nullable", "readOnly", "writeOnly", "example", "examples", "deprecated", "discriminator",
            "xml", "externalDocs"}


def to_json_schema(s: Any) -> Any:
    """Translate an OAS 3.0 schema object into draft-4 JSON Schema."""
    if isinstance(s, list):
        return [to_json_schema(i) for i in s]
    if not isinstance(s, dict):
        return s
    if "$ref" in s:
        r = s["$ref"]
        if not r.startswith("#/components/schemas/"):
            raise ValueError(f"non-local or non-schema $ref: {r}")
        return {"$ref": "#/definitions/" + r.rsplit("/", 1)[1]}
    out: dict[str, Any] = {}
    for k, v in s.items():
        if k in OAS_ONLY or k.startswith("x-"):
            continue
        if k in ("properties", "definitions"):
            out[k] = {pk: to_json_schema(pv) for pk, pv in v.items()}
        elif k in ("items", "not", "additionalProperties", "allOf", "anyOf", "oneOf"):
            out[k] = to_json_schema(v)
        else:
            out[k] = copy.deepcopy(v)
    if s.get("nullable") is True:
        return {"anyOf": [{"type": "null"}, out]}
    return out


def make_format_checker() -> jsonschema.FormatChecker:
    fc = jsonschema.FormatChecker(formats=())

    @fc.checks("date", raises=ValueError)
    def _date(v: object) -> bool:
        if not isinstance(v, str):
            return True
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            raise ValueError("not YYYY-MM-DD")
        dt.date.fromisoformat(v)
        return True

    @fc.checks("date-time", raises=ValueError)
    def _date_time(v: object) -> bool:
        if not isinstance(v, str):
            return True
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", v):
            raise ValueError("not RFC 3339")
        dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
        return True

    @fc.checks("email")
    def _email(v: object) -> bool:
        return not isinstance(v, str) or re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", v) is not None

    @fc.checks("int32")
    def _int32(v: object) -> bool:
        return not isinstance(v, int) or -(2**31) <= v < 2**31

    @fc.checks("int64")
    def _int64(v: object) -> bool:
        return not isinstance(v, int) or -(2**63) <= v < 2**63

    return fc


class Checker:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        schemas = spec.get("components", {}).get("schemas", {})
        self.definitions = {n: to_json_schema(s) for n, s in schemas.items()}
        self.fc = make_format_checker()
        self.counts: dict[str, int] = {}
        self.failures: list[str] = []

    def resolve(self, obj: Any) -> Any:
        seen = 0
        while isinstance(obj, dict) and "$ref" in obj:
            parts = obj["$ref"]
            if not parts.startswith("#/"):
                raise ValueError(f"non-local $ref: {parts}")
            node: Any = self.spec
            for p in parts[2:].split("/"):
                node = node[p.replace("~1", "/").replace("~0", "~")]
            obj = node
            seen += 1
            if seen > 50:
                raise ValueError(f"$ref loop at {parts}")
        return obj

    def check(self, kind: str, where: str, schema: Any, value: Any) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        js = to_json_schema(schema)
        if isinstance(js, dict):
            js = dict(js, definitions=self.definitions)
        validator = jsonschema.Draft4Validator(js, format_checker=self.fc)
        for err in validator.iter_errors(value):
            path = "/".join(str(p) for p in err.absolute_path) or "(root)"
            self.failures.append(f"{where}: at {path}: {err.message}")

    # -- walkers -----------------------------------------------------------
    def schema(self, s: Any, where: str) -> None:
        if not isinstance(s, dict) or "$ref" in s:
            return
        if "example" in s:
            self.check("schema", where, s, s["example"])
        for name, p in (s.get("properties") or {}).items():
            self.schema(p, f"{where}.properties.{name}")
        for k in ("items", "not", "additionalProperties"):
            if isinstance(s.get(k), dict):
                self.schema(s[k], f"{where}.{k}")
        for k in ("allOf", "anyOf", "oneOf"):
            for i, sub in enumerate(s.get(k) or []):
                self.schema(sub, f"{where}.{k}[{i}]")

    def with_examples(self, kind: str, obj: dict[str, Any], schema: Any, where: str) -> None:
        if schema is None:
            if "example" in obj or "examples" in obj:
                self.failures.append(f"{where}: example without a schema")
            return
        if "example" in obj:
            self.check(kind, where, schema, obj["example"])
        for name, ex in (obj.get("examples") or {}).items():
            ex = self.resolve(ex)
            if "value" in ex:
                self.check(kind, f"{where}.examples.{name}", schema, ex["value"])

    def parameter(self, p: Any, where: str) -> None:
        p = self.resolve(p)
        schema = p.get("schema")
        if isinstance(schema, dict) and "$ref" not in schema:
            self.schema(schema, f"{where}.schema")
        self.with_examples("parameter", p, schema, where)
        for mt, media in (p.get("content") or {}).items():
            self.media(media, f"{where}.content.{mt}")

    def header(self, h: Any, where: str) -> None:
        h = self.resolve(h)
        schema = h.get("schema")
        if isinstance(schema, dict) and "$ref" not in schema:
            self.schema(schema, f"{where}.schema")
        self.with_examples("header", h, schema, where)

    def media(self, m: dict[str, Any], where: str) -> None:
        schema = m.get("schema")
        if isinstance(schema, dict) and "$ref" not in schema:
            self.schema(schema, f"{where}.schema")
        self.with_examples("media", m, schema, where)

    def response(self, r: Any, where: str) -> None:
        r = self.resolve(r)
        for name, h in (r.get("headers") or {}).items():
            self.header(h, f"{where}.headers.{name}")
        for mt, media in (r.get("content") or {}).items():
            self.media(media, f"{where}.content.{mt}")

    def run(self) -> None:
        comps = self.spec.get("components", {})
        for n, s in (comps.get("schemas") or {}).items():
            self.schema(s, f"#/components/schemas/{n}")
        for n, p in (comps.get("parameters") or {}).items():
            self.parameter(p, f"#/components/parameters/{n}")
        for n, h in (comps.get("headers") or {}).items():
            self.header(h, f"#/components/headers/{n}")
        for n, r in (comps.get("responses") or {}).items():
            self.response(r, f"#/components/responses/{n}")
        for n, rb in (comps.get("requestBodies") or {}).items():
            for mt, media in (self.resolve(rb).get("content") or {}).items():
                self.media(media, f"#/components/requestBodies/{n}.content.{mt}")
        for path, item in (self.spec.get("paths") or {}).items():
            for i, p in enumerate(item.get("parameters") or []):
                if "$ref" not in p:
                    self.parameter(p, f"{path}.parameters[{i}]")
            for method, op in item.items():
                if method not in ("get", "put", "post", "delete", "options", "head", "patch", "trace"):
                    continue
                at = f"{method.upper()} {path}"
                for i, p in enumerate(op.get("parameters") or []):
                    if "$ref" not in p:  # components are checked once, above
                        self.parameter(p, f"{at} parameters[{i}]")
                rb = op.get("requestBody")
                if rb and "$ref" not in rb:
                    for mt, media in (rb.get("content") or {}).items():
                        self.media(media, f"{at} requestBody.{mt}")
                for status, r in (op.get("responses") or {}).items():
                    if "$ref" not in r:
                        self.response(r, f"{at} responses.{status}")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    c = Checker(spec)
    try:
        c.run()
    except (ValueError, KeyError) as e:
        print(f"check_examples: cannot resolve: {e}", file=sys.stderr)
        return 1
    total = sum(c.counts.values())
    detail = ", ".join(f"{k} {v}" for k, v in sorted(c.counts.items()))
    for line in c.failures:
        print(f"  MISMATCH {line}")
    print(f"check_examples: {total} examples checked ({detail}); {len(c.failures)} mismatches")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
