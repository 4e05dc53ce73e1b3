// The browser verifier's core (SPEC R-TRUST-4, R-RES-4), written from docs/ARCHIVE.md: reads a
// result archive, recomputes the Merkle root over its counted ballots and the result from its
// items, totals and ballots, compares both with the archive (and with the published root and
// result), and finds ballots by receipt. No DOM: the page script (page.js) shows what it returns
// and tests/trust/run_js_verifier.mjs runs it under Node. An item for part of the estate (R-MTG-9)
// is recounted over its scope's flats; a listed threshold must be its category's (R-TALLY-8). The
// service records of the notice (R-MTG-10) are checked for form and order against their digest.
// Exact arithmetic only: areas are decimals held as BigInt with a scale, shares are BigInt
// fractions; no float is ever compared.

export const FORMAT = "ownervote.archive";
export const VERSIONS = [1];

export class Unreadable extends Error {
  // code: "json", "format", "version" or "content", as `python -m ownervote.verify` says them
  constructor(code, detail = "") {
    super(`${code}: ${detail}`);
    this.code = code;
    this.detail = String(detail);
  }
}

// --- exact decimals: {i: BigInt, s: scale}, the value i / 10^s -------------------------------

const DECIMAL = /^\s*([+-])?(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?\s*$/;

function dec(value, what) {
  if (typeof value === "number" && Number.isInteger(value)) return { i: BigInt(value), s: 0 };
  const m = typeof value === "string" ? DECIMAL.exec(value) : null;
  if (!m) throw new Unreadable("content", `${what} ${JSON.stringify(value)}`);
  const [whole, frac = ""] = m[2].split(".");
  let i = BigInt((whole || "0") + frac);
  let s = frac.length - Number(m[3] || 0);
  if (s < 0) {
    i *= 10n ** BigInt(-s);
    s = 0;
  }
  return { i: m[1] === "-" ? -i : i, s };
}

const ZERO_DEC = { i: 0n, s: 0 };

function align(a, b) {
  const s = Math.max(a.s, b.s);
  return [a.i * 10n ** BigInt(s - a.s), b.i * 10n ** BigInt(s - b.s), s];
}

function decAdd(a, b) {
  const [x, y, s] = align(a, b);
  return { i: x + y, s };
}

function decSub(a, b) {
  const [x, y, s] = align(a, b);
  return { i: x - y, s };
}

function decCmp(a, b) {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function decEq(a, b) {
  return decCmp(a, b) === 0;
}

export function areaText(d) {
  // exact, no exponent, no trailing zeros, "0" for zero: "100.50" -> "100.5"
  let { i, s } = d;
  while (s > 0 && i % 10n === 0n) {
    i /= 10n;
    s -= 1;
  }
  if (i === 0n) return "0";
  const negative = i < 0n;
  let digits = (negative ? -i : i).toString();
  if (s > 0) {
    digits = digits.padStart(s + 1, "0");
    digits = `${digits.slice(0, -s)}.${digits.slice(-s)}`;
  }
  return (negative ? "-" : "") + digits;
}

// --- exact fractions -------------------------------------------------------------------------

function gcd(a, b) {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
}

function ratioText(num, den) {
  // num / den reduced, denominator positive; "0/1" when den is 0
  if (den === 0n || num === 0n) return "0/1";
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num, den);
  return `${num / g}/${den / g}`;
}

function areaRatio(a, b) {
  const [x, y] = align(a, b);
  return ratioText(x, y);
}

// part/whole >= num/den and part/whole > num/den, by cross-multiplying (R-TALLY-5)
function atLeastDec(part, whole, num, den) {
  const [x, y] = align(part, whole);
  return x * den >= y * num;
}

function moreThanDec(part, whole, num, den) {
  const [x, y] = align(part, whole);
  return x * den > y * num;
}

// --- shares: {area: decimal, owners: BigInt} -------------------------------------------------

const ZERO = { area: ZERO_DEC, owners: 0n };
const share = (area, owners) => ({ area, owners });
const plus = (a, b) => share(decAdd(a.area, b.area), a.owners + b.owners);
const minus = (a, b) => share(decSub(a.area, b.area), a.owners - b.owners);
const clamped = (a) => share(decCmp(a.area, ZERO_DEC) < 0 ? ZERO_DEC : a.area, a.owners < 0n ? 0n : a.owners);

function quorum(part, totals) {
  // R-TALLY-2: at least two thirds of the total area and of the total owners
  if (totals.owners <= 0n || decCmp(totals.area, ZERO_DEC) <= 0) return [false, false];
  return [atLeastDec(part.area, totals.area, 2n, 3n), part.owners * 3n >= totals.owners * 2n];
}

function majorityOf(s, p) {
  return moreThanDec(s.area, p.area, 1n, 2n) && s.owners * 2n > p.owners;
}

function reaches(s, p, threshold) {
  // R-TALLY-3, R-TALLY-8
  if (p.owners <= 0n || decCmp(p.area, ZERO_DEC) <= 0) return false;
  if (threshold === "three_quarters") {
    return atLeastDec(s.area, p.area, 3n, 4n) && s.owners * 4n >= p.owners * 3n;
  }
  return majorityOf(s, p);
}

export function thresholdOf(category) {
  if (!Number.isInteger(category) || category < 1 || category > 9) {
    throw new Unreadable("content", `unknown decision category ${category}`);
  }
  return [6, 7, 8].includes(category) ? "three_quarters" : "majority";
}

// --- reading ---------------------------------------------------------------------------------

export function parse(text) {
  let data;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (exc) {
    throw new Unreadable("json", exc.message);
  }
  return validate(data);
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

export function validate(data) {
  if (!isObject(data) || data.format !== FORMAT) {
    throw new Unreadable("format", isObject(data) ? String(data.format) : typeof data);
  }
  if (!VERSIONS.includes(data.version)) throw new Unreadable("version", String(data.version));
  const kinds = { items: "list", totals: "object", ballots: "list", result: "object", merkle_root: "string" };
  for (const [key, kind] of Object.entries(kinds)) {
    const v = data[key];
    const ok = kind === "list" ? Array.isArray(v) : kind === "object" ? isObject(v) : typeof v === "string";
    if (!ok) throw new Unreadable("content", key);
  }
  return data;
}

function int(value, what) {
  const n = typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n)) throw new Unreadable("content", `${what} ${value}`);
  return n;
}

// A ballot's flat or owner as text, as the Python verifier prints it (str()).
function pyText(v) {
  if (v === undefined || v === null) return "None";
  if (v === true || v === false) return v ? "True" : "False";
  return typeof v === "string" ? v : JSON.stringify(v);
}

// A scope's flat or owner: a pseudonym, always a string.
function text(value, what) {
  if (typeof value === "string") return value;
  throw new Unreadable("content", `${what} ${JSON.stringify(value)}`);
}

// An item's scope (R-MTG-9, docs/ARCHIVE.md "An item's scope"): null for the whole estate, else
// {flats: Set of its flats, roll: [{flat, area, owner}], totals} with the totals counted over the
// listed flats as R-ROSTER-3 counts them (area summed, distinct owners, entries).
export function readScope(item) {
  const scope = item.scope;
  if (scope === undefined || scope === null) return null;
  if (!isObject(scope) || !Array.isArray(scope.flats)) throw new Unreadable("content", "scope");
  const roll = scope.flats.map((f) => {
    if (!isObject(f) || !("flat" in f) || !("area" in f) || !("owner" in f)) throw new Unreadable("content", "scope");
    return { flat: text(f.flat, "scope flat"), area: dec(f.area, "area"), owner: text(f.owner, "scope owner") };
  });
  const area = roll.reduce((sum, f) => decAdd(sum, f.area), ZERO_DEC);
  const totals = { area, owners: BigInt(new Set(roll.map((f) => f.owner)).size), flats: roll.length };
  return { flats: new Set(roll.map((f) => f.flat)), roll, totals };
}

function readItems(data) {
  return data.items.map((i) => {
    if (!isObject(i)) throw new Unreadable("content", "items");
    const category = int(i.category, "category");
    const seats = i.seats === undefined || i.seats === null ? 0 : int(i.seats, "seats");
    return {
      id: int(i.id, "item id"),
      kind: i.kind,
      category,
      threshold: thresholdOf(category),
      seats,
      candidates: (i.candidates || []).map((c) => int(c.id, "candidate id")),
      scope: readScope(i),
    };
  });
}

function readBallots(data) {
  return data.ballots.map((b) => {
    if (!isObject(b) || !("owner" in b) || !("flat" in b) || !isObject(b.answers)) {
      throw new Unreadable("content", "ballots");
    }
    return { flat: pyText(b.flat), owner: JSON.stringify(b.owner), area: dec(b.area, "area"), answers: b.answers };
  });
}

function readTotals(data) {
  const t = data.totals;
  return { area: dec(t.area, "area"), owners: BigInt(int(t.owners, "owners")), flats: t.flats ? int(t.flats, "flats") : 0 };
}

// A ballot's mark on an item: null (unmarked), an answer, or a sorted list of candidate ids as a
// string key "c:1,4" (so that marks compare by value).
function mark(item, raw) {
  if (raw === undefined || raw === null || raw === "" || (Array.isArray(raw) && raw.length === 0)) return null;
  if (item.kind === "election" && raw !== "abstain") {
    const list = Array.isArray(raw) ? raw : [raw];
    const ids = [...new Set(list.map((c) => int(c, "candidate id")))].sort((a, b) => a - b);
    return ids.length ? `c:${ids.join(",")}` : null;
  }
  if (typeof raw === "object") throw new Unreadable("content", `answer ${JSON.stringify(raw)}`);
  return `a:${JSON.stringify(raw)}`; // any other value is marked but in no answer
}

// --- counting (R-TALLY-1, R-TALLY-9, R-ROSTER-3) ----------------------------------------------

function countItem(item, byOwner, conflicts) {
  const answers = new Map((item.kind === "question" ? ["yes", "no", "abstain"] : ["abstain"]).map((a) => [a, ZERO]));
  const candidates = new Map(item.candidates.map((c) => [c, ZERO]));
  let marked = ZERO;
  const add = (map, key, s) => map.set(key, plus(map.get(key) || ZERO, s));
  const give = (m, s) => {
    if (m.startsWith("c:")) for (const c of m.slice(2).split(",")) add(candidates, Number(c), s);
    else add(answers, JSON.parse(m.slice(2)), s);
  };
  for (const [owner, flats] of byOwner) {
    const marks = flats.map((b) => mark(item, b.answers[String(item.id)]));
    flats.forEach((b, k) => {
      if (marks[k] === null) return;
      marked = plus(marked, share(b.area, 0n));
      give(marks[k], share(b.area, 0n));
    });
    const distinct = new Set(marks);
    if (distinct.size > 1) {
      conflicts.add(owner);
      marked = plus(marked, share(ZERO_DEC, 1n));
      add(answers, "abstain", share(ZERO_DEC, 1n));
      continue;
    }
    if (marks[0] === null) continue;
    marked = plus(marked, share(ZERO_DEC, 1n));
    give(marks[0], share(ZERO_DEC, 1n));
  }
  return { marked, answers, candidates };
}

function attendance(ballots) {
  // the ballots' area and their distinct counted owners (R-TALLY-9)
  const area = ballots.reduce((sum, b) => decAdd(sum, b.area), ZERO_DEC);
  return share(area, BigInt(new Set(ballots.map((b) => b.owner)).size));
}

function byOwnerOf(ballots) {
  const byOwner = new Map();
  for (const b of ballots) {
    if (!byOwner.has(b.owner)) byOwner.set(b.owner, []);
    byOwner.get(b.owner).push(b);
  }
  return byOwner;
}

export function count(items, ballots) {
  const everybody = byOwnerOf(ballots);
  const conflicts = new Set();
  const perItem = new Map();
  for (const item of items) {
    // a scoped item (R-MTG-9): the ballots of its scope's flats only, for marks and attendance
    const mine = item.scope ? ballots.filter((b) => item.scope.flats.has(b.flat)) : ballots;
    const c = countItem(item, item.scope ? byOwnerOf(mine) : everybody, conflicts);
    if (item.scope) c.participating = attendance(mine);
    perItem.set(item.id, c);
  }
  return { participating: attendance(ballots), flats: ballots.length, items: perItem, conflicts };
}

// --- deciding (R-TALLY-2..8) -----------------------------------------------------------------

function followers(totals, part) {
  return clamped(minus(share(totals.area, totals.owners), part));
}

function decideQuestion(item, totals, part, c, follow) {
  const answers = {};
  for (const a of ["yes", "no", "abstain"]) answers[a] = c.answers.get(a) || ZERO;
  answers.abstain = plus(answers.abstain, minus(part, c.marked)); // unmarked: abstention (R-TALLY-1)
  let followed = "";
  let nonvoters = ZERO;
  if (follow) {
    nonvoters = followers(totals, part);
    followed = ["yes", "no", "abstain"].find((a) => majorityOf(answers[a], part)) || "";
    const to = followed || "abstain";
    answers[to] = plus(answers[to], nonvoters);
    part = plus(part, nonvoters);
  }
  const [qa, qo] = quorum(part, totals);
  const passed = qa && qo && reaches(answers.yes, part, item.threshold);
  return { item, part, answers, qa, qo, passed, followed, nonvoters };
}

function rank(item, support) {
  const order = new Map(item.candidates.map((c, k) => [c, k]));
  const ids = [...support.keys()];
  const cmp = (x, y) => {
    const a = support.get(x);
    const b = support.get(y);
    if (a.owners !== b.owners) return a.owners > b.owners ? -1 : 1;
    const byArea = decCmp(b.area, a.area);
    if (byArea) return byArea;
    const ox = order.has(x) ? order.get(x) : 2 ** 30;
    const oy = order.has(y) ? order.get(y) : 2 ** 30;
    return ox !== oy ? ox - oy : x - y;
  };
  const ranked = ids.sort(cmp);
  const ranks = new Map();
  ranked.forEach((cid, k) => {
    const prev = k ? ranked[k - 1] : null;
    const same =
      prev !== null &&
      support.get(prev).owners === support.get(cid).owners &&
      decEq(support.get(prev).area, support.get(cid).area);
    ranks.set(cid, same ? ranks.get(prev) : k + 1);
  });
  return [ranked, ranks];
}

function decideElection(item, totals, part, c, follow) {
  let abstain = plus(c.answers.get("abstain") || ZERO, minus(part, c.marked));
  const support = new Map(item.candidates.map((cid) => [cid, c.candidates.get(cid) || ZERO]));
  for (const [cid, s] of c.candidates) if (!support.has(cid)) support.set(cid, s);
  let nonvoters = ZERO;
  let followed = "";
  if (follow) {
    nonvoters = followers(totals, part);
    const went = [...support.keys()].filter((cid) => majorityOf(support.get(cid), part));
    for (const cid of went) support.set(cid, plus(support.get(cid), nonvoters));
    followed = went.length ? "candidates" : "";
    if (!went.length) abstain = plus(abstain, nonvoters);
    part = plus(part, nonvoters);
  }
  const [qa, qo] = quorum(part, totals);
  const [ranked, ranks] = rank(item, support);
  const majority = new Map(ranked.map((cid) => [cid, qa && qo && reaches(support.get(cid), part, item.threshold)]));
  const qualified = ranked.filter((cid) => majority.get(cid));
  const elected = [];
  let tie = [];
  let k = 0;
  while (k < qualified.length && elected.length < item.seats) {
    const group = qualified.filter((cid) => ranks.get(cid) === ranks.get(qualified[k]));
    if (elected.length + group.length <= item.seats) elected.push(...group);
    else {
      tie = group;
      break;
    }
    k += group.length;
  }
  const answers = { yes: minus(part, abstain), no: ZERO, abstain };
  const candidates = ranked.map((cid) => ({
    cid,
    support: support.get(cid),
    rank: ranks.get(cid),
    majority: majority.get(cid),
    elected: elected.includes(cid),
    tied: tie.includes(cid),
  }));
  return { item, part, answers, qa, qo, passed: null, followed, nonvoters, candidates, elected, tie };
}

// --- the result as JSON (rules.tally.to_json) -------------------------------------------------

function shareJson(s, of, totals) {
  const out = { area: areaText(s.area), owners: Number(s.owners) };
  if (of) {
    out.area_of_participating = areaRatio(s.area, of.area);
    out.owners_of_participating = ratioText(s.owners, of.owners);
  }
  if (totals) {
    out.area_of_total = areaRatio(s.area, totals.area);
    out.owners_of_total = ratioText(s.owners, totals.owners);
  }
  return out;
}

function itemJson(r, estate) {
  // a scoped item's shares "of total" are of its scope's totals (R-MTG-9)
  const totals = r.item.scope ? r.item.scope.totals : estate;
  const out = {
    item: r.item.id,
    kind: r.item.kind,
    category: r.item.category,
    threshold: r.item.threshold,
    participating: shareJson(r.part, null, totals),
    quorum: { area: r.qa, owners: r.qo },
    answers: Object.fromEntries(["yes", "no", "abstain"].map((a) => [a, shareJson(r.answers[a], r.part, totals)])),
    passed: r.passed,
    followed: r.followed,
    nonvoters: shareJson(r.nonvoters),
  };
  if (r.item.scope) out.scope_totals = { area: areaText(totals.area), owners: Number(totals.owners), flats: totals.flats };
  if (r.item.kind === "election") {
    out.seats = r.item.seats;
    out.candidates = r.candidates.map((c) => ({
      candidate: c.cid,
      rank: c.rank,
      ...shareJson(c.support, r.part, totals),
      majority: c.majority,
      elected: c.elected,
      tied: c.tied,
    }));
    out.elected = r.elected;
    out.tie = r.tie;
    out.seats_unfilled = r.item.seats - r.elected.length;
  }
  return out;
}

export function recompute(data) {
  const follow = data.follow_majority === undefined ? false : data.follow_majority;
  if (typeof follow !== "boolean") throw new Unreadable("content", "follow_majority");
  const totals = readTotals(data);
  const items = readItems(data);
  const counts = count(items, readBallots(data));
  const part = counts.participating;
  const [qa, qo] = quorum(part, totals);
  const results = items.map((item) => {
    const c = counts.items.get(item.id);
    const decide = item.kind === "election" ? decideElection : decideQuestion;
    if (item.scope) return decide(item, item.scope.totals, c.participating, c, follow);
    return decide(item, totals, part, c, follow);
  });
  return {
    version: 1,
    totals: { area: areaText(totals.area), owners: Number(totals.owners), flats: totals.flats },
    participating: shareJson(part, null, totals),
    flats_voted: counts.flats,
    quorum: { area: qa, owners: qo },
    follow_majority: follow,
    conflicts: counts.conflicts.size,
    items: results.map((r) => itemJson(r, totals)),
  };
}

// --- the Merkle root (docs/ARCHIVE.md "The Merkle root") -------------------------------------

export function canonical(value) {
  // keys sorted as strings by code point at every depth, no spaces, strings as JSON.stringify
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort((a, b) => {
      const x = [...a].map((ch) => ch.codePointAt(0));
      const y = [...b].map((ch) => ch.codePointAt(0));
      for (let k = 0; k < Math.min(x.length, y.length); k += 1) if (x[k] !== y[k]) return x[k] - y[k];
      return x.length - y.length;
    });
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

async function sha256(...parts) {
  const size = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", all));
}

export async function merkleRoot(entries) {
  const utf8 = new TextEncoder();
  let level = await Promise.all(entries.map((e) => sha256(Uint8Array.of(0), utf8.encode(canonical(e)))));
  if (!level.length) return hex(await sha256());
  while (level.length > 1) {
    const next = [];
    for (let k = 0; k + 1 < level.length; k += 2) next.push(sha256(Uint8Array.of(1), level[k], level[k + 1]));
    const odd = level.length % 2 ? [level[level.length - 1]] : [];
    level = [...(await Promise.all(next)), ...odd];
  }
  return hex(level[0]);
}

// --- the service of the notice (R-MTG-10, docs/ARCHIVE.md "Service of the notice") ----------

export const SERVICE_KEYS = ["flat", "channel", "version", "at", "warning_shown", "place", "photo"];
export const SERVICE_CHANNELS = [
  "inbox_read", "sms_sent", "wechat_sent", "sms_delivered", "wechat_delivered", "paper_posted",
];
const FLAT_PSEUDONYM = /^F-[0-9a-f]{16}$/;
const SERVICE_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

// What is wrong with one record's form: "" when nothing, "keys" when it is not an object of
// exactly the seven keys, else the first key (in SERVICE_KEYS order) whose value is wrong.
function serviceProblem(e) {
  const keys = isObject(e) ? Object.keys(e) : null;
  if (!keys || keys.length !== SERVICE_KEYS.length || !SERVICE_KEYS.every((k) => has(e, k))) return "keys";
  const paper = e.channel === "paper_posted";
  const isText = (v) => typeof v === "string";
  const checks = [
    ["flat", isText(e.flat) && FLAT_PSEUDONYM.test(e.flat)],
    ["channel", isText(e.channel) && SERVICE_CHANNELS.includes(e.channel)],
    ["version", typeof e.version === "number" && Number.isInteger(e.version) && e.version >= 1],
    ["at", isText(e.at) && SERVICE_TIME.test(e.at)],
    ["warning_shown", typeof e.warning_shown === "boolean"],
    ["place", isText(e.place) && (e.place !== "") === paper],
    ["photo", isText(e.photo) && (paper ? SHA256_HEX.test(e.photo) : e.photo === "")],
  ];
  const bad = checks.find(([, ok]) => !ok);
  return bad ? bad[0] : "";
}

const serviceOrder = (e) => [e.flat, e.at, e.channel];
const before = (a, b) => {
  for (let k = 0; k < a.length; k += 1) if (a[k] !== b[k]) return a[k] < b[k];
  return false;
};

export async function servicesDigest(entries) {
  return hex(await sha256(new TextEncoder().encode(canonical(entries))));
}

// The services line: null for an archive without `services` and `services_digest` (exported
// before R-MTG-10); else {kind: "services", label: the number of records, ok, differences,
// archived: the archive's digest, recomputed: the records' SHA-256}. Each record's form is checked
// (differences "services[<n>].<key>"), then, when every form is sound, the order by flat, time and
// channel ("services.order"); the digest must be the archived one.
export async function checkServices(data) {
  if (!has(data, "services") && !has(data, "services_digest")) return null;
  const entries = data.services;
  const digest = data.services_digest;
  if (!Array.isArray(entries) || typeof digest !== "string") {
    const archived = pyText(digest);
    return { kind: "services", label: "", position: "", ok: false, differences: [{ path: "services", archived: digest ?? null, recomputed: null }], archived, recomputed: "" };
  }
  const diffs = [];
  entries.forEach((e, n) => {
    const problem = serviceProblem(e);
    if (problem) diffs.push({ path: `services[${n}].${problem}`, archived: isObject(e) ? (has(e, problem) ? e[problem] : null) : e, recomputed: null });
  });
  if (!diffs.length && entries.some((e, n) => n > 0 && before(serviceOrder(e), serviceOrder(entries[n - 1])))) {
    diffs.push({ path: "services.order", archived: null, recomputed: null });
  }
  const recomputed = await servicesDigest(entries);
  return { kind: "services", label: String(entries.length), position: "", ok: !diffs.length && recomputed === digest, differences: diffs, archived: digest, recomputed };
}

// --- comparing (docs/ARCHIVE.md "Comparing") --------------------------------------------------

export function candidateNames(data) {
  const names = new Map();
  for (const item of data.items || []) {
    for (const c of (isObject(item) && item.candidates) || []) {
      if (isObject(c) && c.id !== undefined && c.id !== null) {
        const id = typeof c.id === "string" && /^\d+$/.test(c.id) ? Number(c.id) : c.id;
        names.set(id, String(c.name || c.id));
      }
    }
  }
  return names;
}

const kindOf = (v) => (v === null || v === undefined ? "null" : Array.isArray(v) ? "list" : typeof v);
const isCandidateList = (list) => list.every((x) => isObject(x) && "candidate" in x);

function diff(archived, recomputed, path, names, out) {
  if (isObject(archived) && isObject(recomputed)) {
    const keys = [...Object.keys(archived), ...Object.keys(recomputed).filter((k) => !(k in archived))];
    for (const key of keys) diff(archived[key], recomputed[key], path ? `${path}.${key}` : key, names, out);
    return;
  }
  if (Array.isArray(archived) && Array.isArray(recomputed) && isCandidateList([...archived, ...recomputed])) {
    const a = new Map(archived.map((x) => [x.candidate, x]));
    const r = new Map(recomputed.map((x) => [x.candidate, x]));
    for (const cid of [...a.keys(), ...[...r.keys()].filter((c) => !a.has(c))]) {
      const name = names.has(cid) ? names.get(cid) : String(cid);
      diff(a.get(cid), r.get(cid), `${path}[${name}]`, names, out);
    }
    const orderA = archived.map((x) => x.candidate);
    const orderR = recomputed.map((x) => x.candidate);
    const sameSet = new Set(orderA).size === new Set(orderR).size && orderA.every((c) => r.has(c)) && orderR.every((c) => a.has(c));
    if (sameSet && canonical(orderA) !== canonical(orderR)) out.push({ path: `${path}.order`, archived: orderA, recomputed: orderR });
    return;
  }
  const same = kindOf(archived) === kindOf(recomputed) && canonical(archived ?? null) === canonical(recomputed ?? null);
  if (!same) out.push({ path, archived: archived ?? null, recomputed: recomputed ?? null });
}

export function differences(archived, recomputed, names = new Map()) {
  const out = [];
  diff(archived, recomputed, "", names, out);
  return out;
}

// A flat the item's scope lists with another area or owner than its counted ballot (the last
// ballot of that flat), "scope.flats[<flat>]", at most 5.
export function scopeDifferences(item, ballots) {
  const scope = readScope(item);
  if (!scope) return [];
  const byFlat = new Map();
  for (const b of ballots) if (isObject(b)) byFlat.set(pyText(b.flat), b);
  const out = [];
  for (const f of scope.roll) {
    const b = byFlat.get(f.flat);
    if (b === undefined) continue;
    if (!decEq(dec(b.area, "area"), f.area) || pyText(b.owner) !== f.owner) {
      out.push({ path: `scope.flats[${f.flat}]`, archived: `${areaText(f.area)} ${f.owner}`, recomputed: `${pyText(b.area)} ${pyText(b.owner)}` });
    }
  }
  return out.slice(0, 5);
}

// The threshold the item lists when it is not the one its category implies (R-TALLY-8).
export function thresholdDifferences(item) {
  const implied = thresholdOf(int(item.category, "category"));
  return item.threshold === implied ? [] : [{ path: "items.threshold", archived: item.threshold ?? null, recomputed: implied }];
}

// The whole check: one line for the Merkle root, one for the whole (totals, participation,
// quorum), one per item, and one for the service records when the archive has them (R-MTG-10);
// each {kind, label, position, ok, differences}.
export async function check(data) {
  validate(data);
  const lines = [];
  const root = await merkleRoot(data.ballots);
  lines.push({ kind: "merkle", label: "", position: "", ok: root === data.merkle_root, differences: [], archived: data.merkle_root, recomputed: root });
  const recomputed = recompute(data);
  const archived = data.result;
  const names = candidateNames(data);
  const whole = (r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "items"));
  const overall = differences(whole(archived), whole(recomputed), names);
  lines.push({ kind: "overall", label: "", position: "", ok: !overall.length, differences: overall });
  const archivedItems = new Map();
  for (const r of Array.isArray(archived.items) ? archived.items : []) if (isObject(r)) archivedItems.set(r.item ?? null, r);
  const recomputedItems = new Map(recomputed.items.map((r) => [r.item, r]));
  const listed = new Set();
  for (const item of data.items) {
    const id = item.id ?? null;
    listed.add(id);
    const diffs = [
      ...differences(archivedItems.get(id), recomputedItems.get(id), names),
      ...scopeDifferences(item, data.ballots),
      ...thresholdDifferences(item),
    ];
    const position = item.position === undefined || item.position === null ? "?" : String(item.position);
    lines.push({ kind: "item", label: String(item.title ?? ""), position, ok: !diffs.length, differences: diffs, item: id });
  }
  for (const [id, r] of archivedItems) {
    if (!listed.has(id)) {
      lines.push({ kind: "item", label: "", position: `#${id}`, ok: false, differences: [{ path: "item", archived: r, recomputed: null }], item: id });
    }
  }
  const services = await checkServices(data);
  if (services) lines.push(services);
  return { ok: lines.every((l) => l.ok), lines, recomputed };
}

// --- the published root and result (R-RES-4, R-SEC-5) -----------------------------------------

// ``published``: the JSON of /p/meetings/<id>/result/v<n>/root.json. The archive's root must be the
// published one, and the result recomputed from the ballots the published result: ``result`` lists
// the differences, the whole first, then item by item (paths "items[<id>].answers.yes.area").
export function comparePublished(data, recomputed, published) {
  const pub = isObject(published) ? published : {};
  const root = { ok: pub.merkle_root === data.merkle_root, archived: data.merkle_root, published: pub.merkle_root ?? null };
  const version = pub.version === data.result_version;
  if (!isObject(pub.result)) return { root, version, result: null };
  const names = candidateNames(data);
  const whole = (r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "items"));
  const result = differences(whole(pub.result), whole(recomputed), names);
  const ids = (r) => new Map((Array.isArray(r.items) ? r.items : []).filter(isObject).map((i) => [i.item ?? null, i]));
  const a = ids(pub.result);
  const r = ids(recomputed);
  for (const id of [...a.keys(), ...[...r.keys()].filter((k) => !a.has(k))]) {
    for (const d of differences(a.get(id), r.get(id), names)) result.push({ ...d, path: `items[${id}]${d.path ? `.${d.path}` : ""}` });
  }
  return { root, version, result };
}

// --- receipts (R-VOTE-3) ----------------------------------------------------------------------

export const RECEIPT_MIN = 8;

export function normaliseHash(text) {
  return [...String(text || "").toLowerCase()].filter((ch) => "0123456789abcdef".includes(ch)).join("");
}

export function findReceipt(data, prefix) {
  prefix = normaliseHash(prefix);
  if (!prefix) return { counted: [], superseded: [] };
  const matching = (rows) =>
    (Array.isArray(rows) ? rows : []).filter((b) => isObject(b) && String(b.receipt || "").startsWith(prefix));
  return { counted: matching(data.ballots), superseded: matching(data.superseded) };
}
