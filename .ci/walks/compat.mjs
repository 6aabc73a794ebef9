// The compatibility gate of the spec, run by .ci/spec-compat.
//
//   node compat.mjs RELEASED.yaml CURRENT.yaml ENTRY.md
//
// Compares the two documents with openapi-diff (breaking / non-breaking / unclassified, by the
// tool's own rules), decides the semver step the change needs, writes the CHANGELOG entry to
// ENTRY.md and prints one JSON line: {released, current, needed, required, ok, reasons}.
// Unclassified differences count as breaking: the gate never waves through what it cannot judge.
import { createRequire } from "node:module";
import fs from "node:fs";

// The pinned packages live in .ci/.tools/walks/npm (PROOFS_NPM, set by .ci/walks/tools.sh).
const require = createRequire(`${process.env.PROOFS_NPM ?? "."}/package.json`);
const openapiDiff = require("openapi-diff");
const yaml = require("js-yaml");
const TOOL = `openapi-diff ${require("openapi-diff/package.json").version}`;

const [releasedPath, currentPath, entryPath] = process.argv.slice(2);
if (!entryPath) throw new Error("usage: node compat.mjs RELEASED.yaml CURRENT.yaml ENTRY.md");

const load = (p) => yaml.load(fs.readFileSync(p, "utf8"));
const released = load(releasedPath);
const current = load(currentPath);

function parseVersion(v) {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(String(v ?? ""));
  if (!m) throw new Error(`info.version ${JSON.stringify(v)} is not MAJOR.MINOR.PATCH`);
  return m.slice(1, 4).map(Number);
}
const cmp = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
const bump = (v, level) =>
  level === "major" ? [v[0] + 1, 0, 0]
    : level === "minor" ? [v[0], v[1] + 1, 0]
      : level === "patch" ? [v[0], v[1], v[2] + 1] : v;
const show = (v) => v.join(".");

// Anything besides info.version that differs: descriptions and examples count (a patch).
function withoutVersion(doc) {
  const copy = structuredClone(doc);
  if (copy.info) delete copy.info.version;
  return JSON.stringify(copy);
}

// "paths./partners/x.post.responses.200.content.application/json.schema" -> "POST /partners/x 200"
function where(detail) {
  const loc = detail?.location ?? "";
  const m = /^paths\.(\/\S*?)\.(get|put|post|patch|delete|head|options)(?:\.(.*))?$/.exec(loc);
  if (!m) return loc;
  const rest = m[3] ?? "";
  let part = "";
  const status = /^responses\.(\w+)/.exec(rest);
  if (status) part = ` ${status[1]} response`;
  else if (rest.startsWith("requestBody")) part = " request body";
  else if (rest.startsWith("parameters")) part = " parameter";
  return `${m[2].toUpperCase()} ${m[1]}${part}`;
}

// Property paths that the difference schema marks: a removed or retyped property shows up as a
// list of other types, a changed enum as its values. A hint for the reader, not a judgement.
function hints(schema, path = "", out = new Set()) {
  if (!schema || typeof schema !== "object") return out;
  if (Array.isArray(schema.type) || schema.enum || schema.not) out.add(path || "(body)");
  for (const [k, v] of Object.entries(schema.properties ?? {})) hints(v, path ? `${path}.${k}` : k, out);
  if (schema.items) hints(schema.items, `${path}[]`, out);
  return out;
}

function group(list) {
  const groups = new Map();
  for (const d of list) {
    const detail = d.destinationSpecEntityDetails?.[0] ?? d.sourceSpecEntityDetails?.[0];
    const marks = [...hints(d.details?.differenceSchema)].sort();
    const key = `${d.code}|${marks.join(", ")}`;
    const g = groups.get(key) ?? { code: d.code, marks, places: new Set() };
    g.places.add(where(detail));
    groups.set(key, g);
  }
  return [...groups.values()]
    .map((g) => ({ ...g, places: [...g.places].sort() }))
    .sort((a, b) => (a.code + a.marks).localeCompare(b.code + b.marks));
}

// "GET /x 400 response", "GET /x 404 response" -> "`GET /x` (400, 404 responses)": one item per
// operation, so a shared error schema does not fill the entry with a line per status.
function compact(places) {
  const byOp = new Map();
  const rest = [];
  for (const p of places) {
    const m = /^(\S+ \S+) (\w+) response$/.exec(p);
    if (m) byOp.set(m[1], [...(byOp.get(m[1]) ?? []), m[2]]);
    else rest.push(`\`${p}\``);
  }
  const ops = [...byOp].map(([op, st]) => `\`${op}\` (${st.join(", ")} response${st.length > 1 ? "s" : ""})`);
  return [...ops, ...rest].sort();
}

function section(title, groups) {
  const n = groups.reduce((s, g) => s + g.places.length, 0);
  let out = `### ${title} (${n})\n\n`;
  if (groups.length === 0) return out + "None.\n\n";
  for (const g of groups) {
    const what = g.marks.length ? ` in ${g.marks.map((m) => `\`${m}\``).join(", ")}` : "";
    out += `- \`${g.code}\`${what}: ${compact(g.places).join(", ")}\n`;
  }
  return out + "\n";
}

const spec = (doc, location) => ({ content: JSON.stringify(doc), location, format: "openapi3" });
const result = await openapiDiff.diffSpecs({
  sourceSpec: spec(released, "released"),
  destinationSpec: spec(current, "current"),
});
// openapi-diff's schema comparison (json-schema-diff) does not look at `enum`, so the values of
// every enum are compared here, place by place: a value removed (or an enum put on a free value)
// is breaking, a value added is not (clients with closed enums should still read the entry).
function enumChanges(a, b, path, out) {
  if (!a || !b || typeof a !== "object" || typeof b !== "object") return out;
  if (Array.isArray(a.enum) || Array.isArray(b.enum)) {
    const before = a.enum ?? null, after = b.enum ?? null;
    const removed = before && after ? before.filter((v) => !after.includes(v)) : [];
    const added = before && after ? after.filter((v) => !before.includes(v)) : [];
    const place = { location: path };
    if ((after && !before) || removed.length) {
      const what = removed.length ? `values ${removed.map((v) => JSON.stringify(v)).join(", ")} removed` : "enum added";
      out.breaking.push({ code: `enum.narrowed (${what})`, destinationSpecEntityDetails: [place] });
    }
    if ((before && !after) || added.length) {
      const what = added.length ? `values ${added.map((v) => JSON.stringify(v)).join(", ")} added` : "enum removed";
      out.nonBreaking.push({ code: `enum.widened (${what})`, destinationSpecEntityDetails: [place] });
    }
  }
  for (const k of Object.keys(a)) if (k !== "enum" && k in b) enumChanges(a[k], b[k], path ? `${path}.${k}` : k, out);
  return out;
}
const enums = enumChanges(released, current, "", { breaking: [], nonBreaking: [] });
const breaking = group([
  ...(result.breakingDifferences ?? []),
  ...(result.unclassifiedDifferences ?? []),
  ...enums.breaking,
]);
const nonBreaking = group([...(result.nonBreakingDifferences ?? []), ...enums.nonBreaking]);
const textChanged = withoutVersion(released) !== withoutVersion(current);

const r = parseVersion(released.info?.version);
const c = parseVersion(current.info?.version);
const needed = breaking.length ? "major" : nonBreaking.length ? "minor" : textChanged ? "patch" : "none";
// 0.x may break in a minor step (semver item 4); from 1.0.0 on only a major step may.
const required = needed === "major" && r[0] === 0 ? bump(r, "minor") : bump(r, needed);
const reasons = [];
if (cmp(c, r) < 0) reasons.push(`info.version ${show(c)} is older than the released ${show(r)}`);
if (cmp(c, required) < 0) {
  reasons.push(`${needed} change needs info.version >= ${show(required)}, the spec says ${show(c)}`);
}

let entry = `## ${needed === "none" ? "Unreleased" : `${show(c)} (unreleased)`}\n\n`;
if (needed === "none") {
  entry += `No changes since the released ${show(r)} (\`openapi/released/partner.yaml\`).\n\n`;
} else {
  entry += `Compared with the released ${show(r)} (\`openapi/released/partner.yaml\`) by ${TOOL} `
    + "and a comparison of `enum` values: "
    + `needs a ${needed} version step.\n\n`;
  entry += section("Breaking", breaking) + section("Non-breaking", nonBreaking);
  if (!breaking.length && !nonBreaking.length) entry += "Only descriptions, examples or extensions changed.\n\n";
}
fs.writeFileSync(entryPath, entry);

console.log(JSON.stringify({
  released: show(r),
  current: show(c),
  needed,
  required: show(required),
  breaking: breaking.reduce((s, g) => s + g.places.length, 0),
  nonBreaking: nonBreaking.reduce((s, g) => s + g.places.length, 0),
  ok: reasons.length === 0,
  reasons,
}));
