// Opens the HTML reference in headless Chromium with networking off and checks it, for
// .ci/spec-reference:
//
//   node reference.mjs SPEC.yaml REFERENCE.html SCREENSHOT.png
//
// Fails unless every operationId of the spec is rendered as an operation section, each shows its
// scopes, the x-inferred notes of operations and x-upstream-* notes are on the page, and no
// request left the file (everything but the file itself is recorded and aborted). Prints one JSON
// line of figures.
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(`${process.env.PROOFS_NPM ?? "."}/package.json`);
const { chromium } = require("playwright-core");
const yaml = require("js-yaml");

const [specPath, htmlPath, shotPath] = process.argv.slice(2);
if (!shotPath) throw new Error("usage: node reference.mjs SPEC.yaml REFERENCE.html SCREENSHOT.png");

const spec = yaml.load(fs.readFileSync(specPath, "utf8"));
const METHODS = ["get", "put", "post", "patch", "delete"];
const operationIds = Object.values(spec.paths).flatMap((item) =>
  METHODS.filter((m) => item[m]).map((m) => item[m].operationId));

const scopesOf = {};
for (const item of Object.values(spec.paths)) {
  for (const m of METHODS.filter((m) => item[m])) {
    const reqs = item[m].security ?? spec.security ?? [];
    // "scheme (scope)", as Redoc labels each alternative requirement.
    scopesOf[item[m].operationId] = [
      ...new Set(reqs.flatMap((r) => Object.entries(r).flatMap(([n, ss]) => ss.map((s) => `${n} (${s})`)))),
    ];
  }
}
// Operation-level notes; Redoc shows an extension without its "x-" prefix.
const opNotes = (re) => Object.values(spec.paths).flatMap((item) => METHODS.filter((m) => item[m])
  .flatMap((m) => Object.keys(item[m]).filter((k) => re.test(k)))).length;
const inferredOps = opNotes(/^x-inferred$/);

const fileUrl = pathToFileURL(path.resolve(htmlPath)).href;
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "spec-reference-chromium-"));
const started = Date.now();
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  offline: true,
  viewport: { width: 1280, height: 900 },
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    // Belt and braces besides `offline`: no name resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND",
  ],
});
const failures = [];
const leaked = [];
let local = 0;
try {
  // Every request is seen here; only the file itself and in-page data/blob URLs may load.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url === fileUrl || url.startsWith("data:") || url.startsWith("blob:")) {
      local += 1;
      return route.continue();
    }
    leaked.push(url);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("request", (req) => {
    const url = req.url();
    if (url !== fileUrl && !url.startsWith("data:") && !url.startsWith("blob:") && !leaked.includes(url)) {
      leaked.push(url);
    }
  });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(fileUrl, { waitUntil: "load", timeout: 120_000 });
  await page.waitForSelector('[data-section-id*="/operation/"]', { timeout: 120_000 });

  const figures = await page.evaluate(() => {
    const sections = [...document.querySelectorAll('[data-section-id*="/operation/"]')]
      .map((e) => e.getAttribute("data-section-id"));
    // Only the operations' own text: the overview mentions the extensions by name too.
    const text = [...document.querySelectorAll('[data-section-id*="/operation/"]')]
      .map((e) => e.innerText).join("\n");
    const count = (re) => (text.match(re) ?? []).length;
    return {
      sections,
      inferred: count(/^inferred: /gm),
      upstream: count(/^upstream-[a-z]+: /gm),
      examples: document.querySelectorAll('[class*="sample"], pre, code').length,
      bytes: document.documentElement.outerHTML.length,
    };
  });
  const rendered = new Set(figures.sections.map((s) => s.split("/operation/")[1]));

  // Scopes are in each operation's Authorizations panel, which opens on a click.
  let scoped = 0;
  for (const [id, scopes] of Object.entries(scopesOf)) {
    const section = page.locator(`[data-section-id$="/operation/${id}"]`);
    if ((await section.count()) !== 1) continue;
    await section.getByText("Authorizations:", { exact: true }).dispatchEvent("click");
    const text = await section.innerText();
    const absent = scopes.filter((s) => !text.includes(s));
    if (absent.length) failures.push(`${id}: scopes ${absent.join(", ")} not shown`);
    else scoped += 1;
  }
  figures.scoped = scoped;
  const missing = operationIds.filter((id) => !rendered.has(id));
  if (missing.length) failures.push(`operations not rendered: ${missing.join(", ")}`);
  if (rendered.size !== operationIds.length) {
    failures.push(`${rendered.size} operation sections for ${operationIds.length} operations`);
  }
  if (figures.inferred < inferredOps) {
    failures.push(`${figures.inferred} x-inferred notes shown for ${inferredOps} operations that have one`);
  }
  if (figures.upstream === 0) failures.push("no x-upstream-* note visible");
  if (errors.length) failures.push(`page errors: ${errors.join("; ")}`);
  if (leaked.length) failures.push(`requests left the page: ${leaked.join(", ")}`);

  await page.screenshot({ path: shotPath });
  console.log(JSON.stringify({
    operations: operationIds.length,
    rendered: rendered.size,
    operationsWithScopesShown: figures.scoped,
    xInferredShown: figures.inferred,
    xInferredOnOperations: inferredOps,
    xUpstreamShown: figures.upstream,
    codeBlocks: figures.examples,
    localLoads: local,
    requestsLeft: leaked.length,
    htmlBytes: fs.statSync(htmlPath).size,
    ms: Date.now() - started,
  }));
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`reference check failed:\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
