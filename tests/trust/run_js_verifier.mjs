// Runs the browser verifier's core (src/ownervote/results/static/results/verify/core.js) under
// Node 20 on one archive and prints its findings as JSON, for tests/trust/test_js_verifier.py
// (SPEC R-TRUST-4):
//
//   node tests/trust/run_js_verifier.mjs archive.json [--receipt HASH] [--published root.json]
//
// Exit status as `python -m ownervote.verify`: 0 everything matches, 1 something differs, 2 the
// file is not a readable archive.
import { webcrypto } from "node:crypto";
import { readFile } from "node:fs/promises";

import * as core from "../../src/ownervote/results/static/results/verify/core.js";

// Node 18 (Debian 12's nodejs) has Web Crypto only as node:crypto's webcrypto; 20 has it global.
if (!globalThis.crypto?.subtle) globalThis.crypto = webcrypto;

const [path, ...rest] = process.argv.slice(2);
const option = (name) => {
  const at = rest.indexOf(name);
  return at >= 0 ? rest[at + 1] : undefined;
};

async function main() {
  const text = await readFile(path, "utf-8");
  let data;
  let report;
  try {
    data = core.parse(text);
    report = await core.check(data);
  } catch (exc) {
    if (!(exc instanceof core.Unreadable)) throw exc;
    process.stdout.write(JSON.stringify({ readable: false, code: exc.code, detail: exc.detail }));
    return 2;
  }
  const out = { readable: true, ok: report.ok, lines: report.lines };
  let ok = report.ok;
  const receipt = option("--receipt");
  if (receipt !== undefined) {
    out.receipt = core.findReceipt(data, receipt);
    ok = ok && out.receipt.counted.length > 0;
  }
  const published = option("--published");
  if (published !== undefined) {
    out.published = core.comparePublished(data, report.recomputed, JSON.parse(await readFile(published, "utf-8")));
    ok = ok && out.published.root.ok && out.published.version && !(out.published.result || []).length;
  }
  out.ok = ok;
  process.stdout.write(JSON.stringify(out));
  return ok ? 0 : 1;
}

main().then(
  (status) => process.exit(status),
  (exc) => {
    process.stderr.write(`${exc.stack || exc}\n`);
    process.exit(3);
  },
);
