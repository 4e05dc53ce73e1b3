// 核对结果 (SPEC R-TRUST-4): the page script of /p/meetings/<id>/result/verify/. It fetches the
// owner's archive (or reads a file the visitor chooses) and the published root and result of its
// version (root.json), runs the core (core.js: exact recount, Merkle root, comparisons) and shows
// every figure counted again beside the published one with ✓ or ✗ and whether the proof of service
// of the notice is intact (R-MTG-10), then finds ballots by receipt.
// Texts come translated from the page's data-t-* attributes; nothing is written as HTML.

const box = document.getElementById("vf");
const t = (key) => box.dataset[`t${key.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`] || key;
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, k) => (k in values ? values[k] : `{${k}}`));
const status = document.getElementById("vf-status");
let core;
let current = null; // the archive being shown

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

function say(text, ok) {
  status.textContent = text;
  status.className = `vf-status${ok === true ? " vf-ok" : ok === false ? " vf-bad" : ""}`;
}

const show = (value) => (value === true ? t("true") : value === false ? t("false") : value === null || value === undefined ? "—" : Array.isArray(value) ? value.join("、") : String(value));
const mark = (ok) => el("span", { class: `vf-mark ${ok ? "vf-ok" : "vf-bad"}`, "data-ok": ok ? "1" : "0" }, ok ? "✓" : "✗");
const at = (obj, path) => path.reduce((v, k) => (v === null || v === undefined ? undefined : v[k]), obj);

// The figures shown for the whole meeting and for one item: [label, path]
const OVERALL = [
  ["total-area", ["totals", "area"]],
  ["total-owners", ["totals", "owners"]],
  ["part-area", ["participating", "area"]],
  ["part-owners", ["participating", "owners"]],
];

function itemFigures(item, names) {
  // an item for part of the estate (R-MTG-9) is counted over its scope: its totals first
  const scoped = item.scope_totals ? [["scope-area", ["scope_totals", "area"]], ["scope-owners", ["scope_totals", "owners"]], ["scope-flats", ["scope_totals", "flats"]]] : [];
  const rows = [
    ...scoped,
    ["part-area", ["participating", "area"]],
    ["part-owners", ["participating", "owners"]],
  ];
  const answers = item.kind === "election" ? ["abstain"] : ["yes", "no", "abstain"];
  for (const a of answers) rows.push([`${t(a)} · ${t("area")}`, ["answers", a, "area"]], [`${t(a)} · ${t("owners")}`, ["answers", a, "owners"]]);
  if (item.kind === "election") {
    (item.candidates || []).forEach((c, k) => {
      const name = names.get(c.candidate) || String(c.candidate);
      rows.push([`${name} · ${t("area")}`, ["candidates", k, "area"]], [`${name} · ${t("owners")}`, ["candidates", k, "owners"]], [`${name} · ${t("elected")}`, ["candidates", k, "elected"]]);
    });
  } else rows.push(["passed", ["passed"]]);
  return rows;
}

function table(rows, recomputed, published, lineOk) {
  const body = el("tbody");
  let allOk = lineOk;
  for (const [label, path] of rows) {
    const r = at(recomputed, path);
    const p = at(published, path);
    const ok = JSON.stringify(r) === JSON.stringify(p);
    allOk = allOk && ok;
    body.append(el("tr", ok ? {} : { class: "vf-differs" }, el("th", {}, label.includes("·") ? label : t(label)), el("td", { class: "vf-num" }, show(r)), el("td", { class: "vf-num" }, show(p)), el("td", {}, mark(ok))));
  }
  const head = el("thead", {}, el("tr", {}, el("th", {}, t("figure")), el("th", { class: "vf-num" }, t("recomputed")), el("th", { class: "vf-num" }, t("published")), el("th", {}, "")));
  return [el("table", { class: "vf-figures" }, head, body), allOk];
}

function block(id, title, rows, recomputed, published, diffs, scope = null) {
  const [tbl, figuresOk] = table(rows, recomputed, published, true);
  const ok = figuresOk && !diffs.length;
  const heading = el("h3", {}, mark(ok), title);
  const section = el("div", { class: "vf-block", id, "data-ok": ok ? "1" : "0" }, heading);
  if (scope !== null) section.append(el("p", { class: "vf-scope", id: `${id}-scope` }, scope));
  section.append(tbl);
  if (diffs.length) {
    const list = el("ul", { class: "vf-bad" });
    for (const d of diffs.slice(0, 8)) list.append(el("li", {}, `${t("other")}：${d.path}：${show(d.archived)} → ${show(d.recomputed)}`));
    section.append(list);
  }
  return [section, ok];
}

// The proof of service of the notice (R-MTG-10): its records' form and order, and their SHA-256
// against the archive's digest; absent for an archive exported before it was kept.
function servicesBlock(line) {
  const heading = el("h3", {}, mark(line.ok), t("services"));
  const text = line.ok ? fill(t("services-ok"), { n: line.label }) : t("services-bad");
  const section = el("div", { class: "vf-block", id: "vf-services", "data-ok": line.ok ? "1" : "0" }, heading, el("p", { id: "vf-services-text" }, text));
  section.append(el("p", { class: "ov-muted" }, t("recomputed")), el("p", { class: "ov-hash", id: "vf-services-recomputed" }, line.recomputed || "—"));
  section.append(el("p", { class: "ov-muted" }, t("archived")), el("p", { class: "ov-hash", id: "vf-services-archived" }, line.archived || "—"));
  if (line.differences.length) {
    const list = el("ul", { class: "vf-bad" });
    for (const d of line.differences.slice(0, 8)) list.append(el("li", {}, `${d.path}：${show(d.archived)}`));
    section.append(list);
  }
  return section;
}

async function publishedOf(data) {
  const version = Number.isInteger(data.result_version) ? data.result_version : Number(box.dataset.version);
  try {
    const response = await fetch(`${box.dataset.rootBase}v${version}/root.json`, { credentials: "same-origin" });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

async function run(text) {
  say(t("checking"));
  let data;
  let report;
  try {
    data = core.parse(text);
    report = await core.check(data);
  } catch (exc) {
    if (!(exc instanceof core.Unreadable)) throw exc;
    say(`${t("unreadable")} ${exc.code} ${exc.detail}`, false);
    return;
  }
  current = data;
  const published = await publishedOf(data);
  const against = published && published.result ? published.result : data.result;
  const compared = published ? core.comparePublished(data, report.recomputed, published) : null;
  const names = core.candidateNames(data);
  const lines = document.getElementById("vf-lines");
  lines.replaceChildren();
  const merkleLine = report.lines[0];
  const publishedRoot = published ? published.merkle_root : data.merkle_root;
  const rootOk = merkleLine.recomputed === publishedRoot && merkleLine.ok;
  const merkle = el("div", { class: "vf-block", id: "vf-merkle", "data-ok": rootOk ? "1" : "0" }, el("h3", {}, mark(rootOk), t("merkle")), el("p", { class: "ov-muted" }, t("recomputed")), el("p", { class: "ov-hash", id: "vf-root-recomputed" }, merkleLine.recomputed), el("p", { class: "ov-muted" }, t("published")), el("p", { class: "ov-hash", id: "vf-root-published" }, publishedRoot));
  lines.append(merkle);
  let ok = rootOk && (!compared || compared.version);
  const whole = (r) => Object.fromEntries(Object.entries(r || {}).filter(([k]) => k !== "items"));
  const both = (archived, pub, recomputed) => [...archived, ...(published ? core.differences(pub, recomputed, names) : [])];
  const overallDiffs = both(report.lines[1].differences, whole(against), whole(report.recomputed));
  const [overall, overallOk] = block("vf-overall", t("overall"), OVERALL, report.recomputed, against, overallDiffs);
  lines.append(overall);
  ok = ok && overallOk;
  const recomputedItems = new Map(report.recomputed.items.map((r) => [r.item, r]));
  const publishedItems = new Map((against.items || []).map((r) => [r.item, r]));
  for (const line of report.lines.slice(2).filter((l) => l.kind === "item")) {
    const r = recomputedItems.get(line.item) || {};
    const title = fill(t("item"), { position: line.position, title: line.label });
    const pub = publishedItems.get(line.item) || {};
    const diffs = both(line.differences, pub, r);
    const listed = data.items.find((i) => i && i.id === line.item) || {};
    const scope = listed.scope && typeof listed.scope === "object" ? String(listed.scope.label || t("scoped")) : t("whole-estate");
    const [section, itemOk] = block(`vf-item-${line.item}`, title, itemFigures(r, names), r, pub, diffs, scope);
    lines.append(section);
    ok = ok && itemOk;
  }
  const services = report.lines.find((l) => l.kind === "services");
  if (services) {
    lines.append(servicesBlock(services));
    ok = ok && services.ok;
  }
  document.getElementById("vf-results").hidden = false;
  document.getElementById("vf-receipt-card").hidden = false;
  const notes = [];
  if (!published) notes.push(t("no-published"));
  else if (!compared.version) notes.push(t("other-version"));
  say([ok ? t("all-ok") : t("some-bad"), ...notes].join(" "), ok);
  box.dataset.done = ok ? "ok" : "bad";
}

function answerText(item, raw, names) {
  if (raw === undefined || raw === null || raw === "" || (Array.isArray(raw) && !raw.length)) return t("unmarked");
  if (Array.isArray(raw)) return raw.map((c) => names.get(c) || String(c)).join("、");
  if (item.kind === "election" && raw !== "abstain") return names.get(raw) || String(raw);
  return ["yes", "no", "abstain"].includes(raw) ? t(raw) : String(raw);
}

function ballotList(rows, names) {
  const list = el("ul");
  for (const b of rows) {
    const li = el("li", { class: "vf-ballot" }, fill(t("ballot"), { channel: t(b.channel === "paper" ? "paper" : "electronic"), area: b.area }));
    const answers = el("ul");
    for (const item of current.items) {
      answers.append(el("li", {}, `${fill(t("item"), { position: item.position, title: item.title })}：${answerText(item, (b.answers || {})[String(item.id)], names)}`));
    }
    li.append(answers);
    list.append(li);
  }
  return list;
}

function findReceipt(event) {
  event.preventDefault();
  const out = document.getElementById("vf-found");
  const prefix = core.normaliseHash(document.getElementById("vf-receipt").value);
  out.replaceChildren();
  if (prefix.length < core.RECEIPT_MIN) {
    out.append(el("p", { class: "vf-bad" }, t("short")));
    return;
  }
  const found = core.findReceipt(current, prefix);
  const names = core.candidateNames(current);
  if (found.counted.length) {
    out.append(el("p", { class: "vf-ok", id: "vf-found-counted" }, fill(t("found"), { n: found.counted.length })), ballotList(found.counted, names));
  } else out.append(el("p", { class: "vf-bad", id: "vf-not-found" }, t("not-found")));
  if (found.superseded.length) out.append(el("p", {}, t("superseded")), ballotList(found.superseded, names));
}

async function start() {
  core = await import(box.dataset.core);
  document.getElementById("vf-receipt-form").addEventListener("submit", findReceipt);
  document.getElementById("vf-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (file) await run(await file.text());
  });
  say(t("loading"));
  let response;
  try {
    response = await fetch(box.dataset.archiveUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch {
    response = null;
  }
  const type = response ? response.headers.get("content-type") || "" : "";
  if (!response || !response.ok || !type.includes("json")) {
    say(t("no-archive"), null);
    return;
  }
  await run(await response.text());
}

start();
