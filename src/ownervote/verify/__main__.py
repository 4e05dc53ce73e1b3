"""Check a result's archive without the server (R-RES-4, art. 27; docs/ARCHIVE.md):

    python -m ownervote.verify archive.json                     # recount, compare, exit 0 / 1 / 2
    python -m ownervote.verify archive.json --receipt 3fa2c1d0  # was my ballot counted as cast?
    python -m ownervote.verify archive.json --lang en           # messages in English
    python -m ownervote.verify archive.json --public-url https://<site>/p/meetings/12/result/
    python -m ownervote.verify archive.json --expect-root 3c04a68a…  # the root the page shows

Needs only Python 3.11 and this package's ``ownervote.rules`` and ``ownervote.verify`` (run from a
checkout with ``PYTHONPATH=src``): no Django, no database; the network only for ``--public-url``.
Exit status: 0 when the Merkle root and every item match (and, with ``--receipt``, the ballot was
found; with ``--expect-root`` or ``--public-url``, the archive's root is the published one), 1 when
anything differs, the receipt is not among the counted ballots or the root is not the published
one, 2 when the file is not a readable archive, 3 when the published root could not be read
(offline, an HTTP error, not the root's JSON).

An archive consistent with itself is not yet the published one: a forged archive with its root and
result recomputed is consistent too (``published``). Without ``--expect-root`` or ``--public-url``
the exit status says only whether the archive is consistent, and the output says so and prints the
comparison to make by hand (R-RES-4, R-SEC-5).
"""

from __future__ import annotations

import argparse
import json
import sys

from . import archive, heads, published

OK, DIFFERS, UNREADABLE, UNCHECKED = 0, 1, 2, 3

MESSAGES = {
    "zh": {
        "description": "核对业主大会表决结果归档：重新计算默克尔根和表决结果，并与归档中的结果逐项比对。",
        "archive_help": "归档文件（archive.json）",
        "receipt_help": "回执上的选票哈希（可只填前若干位），显示该选票在归档中的内容",
        "lang_help": "提示语言：zh（中文，默认）或 en（English）",
        "unreadable.file": "无法读取文件：{detail}",
        "unreadable.json": "文件不是有效的 JSON：{detail}",
        "unreadable.format": "不是 OwnerVote 表决结果归档（format = {detail}）",
        "unreadable.version": "不支持的归档版本：{detail}（本工具支持第 1 版）",
        "unreadable.content": "归档内容不完整或格式有误：{detail}",
        "heading": "归档：{title}（{estate}，结果第 {version} 版，导出于 {exported}）",
        "ballots": "计入的选票 {counted} 张（其中电子 {electronic} 张、纸质 {paper} 张），"
        "被取代的纸质选票 {superseded} 张",
        "merkle_ok": "默克尔根：一致（{root}）",
        "merkle_bad": "默克尔根：不一致——归档为 {archived}，按选票重算为 {recomputed}",
        "services_ok": "会议公告送达记录 {n} 条：完整（SHA-256 {digest}）",
        "services_bad": "会议公告送达记录：不完整或被改动——归档摘要 {archived}，按记录重算 {recomputed}",
        "overall": "总体（总票权、总人数、参与情况）",
        "ok": "一致",
        "bad": "不一致",
        "line": "{label}：{verdict}",
        "item_label": "第{position}项 {title}",
        "difference": "{path}：归档 {archived}，重算 {recomputed}",
        "more": "另有 {n} 处不同",
        "missing": "（无）",
        "all_ok": "结论：归档中的结果与按选票重新计算的结果完全一致。",
        "some_bad": "结论：发现不一致，归档中的结果与选票不符，请将本输出和归档文件提交召集人和街道办事处。",
        "digest": "结果哈希（第 {version} 版）：{digest}",
        "head": "审计日志链头（导出时）：{stream} 第 {seq} 条，摘要 {hash}",
        "heads_note": "归档不含审计日志本身，本工具无法核对上述链头。"
        "请将其与公开页面“审计日志摘要”（/p/audit/）上该小区的每日摘要比对并留存；"
        "运营方可用 manage.py verify_audit --anchors 本归档文件，检查日志是否仍延续这些链头。",
        "heads_bad": "审计日志链头格式有误：{detail}",
        "receipt_short": "请至少填写选票哈希的前 8 位。",
        "receipt_none": "未找到选票哈希以 {prefix} 开头的计入选票。",
        "receipt_superseded": "选票哈希以 {prefix} 开头的选票未计入（已被取代）：",
        "receipt_found": "选票哈希以 {prefix} 开头的选票已计入（{n} 户）：",
        "receipt_ballot": "  房屋 {flat}（业主 {owner}），面积 {area} m²，{channel}，选票哈希 {receipt}",
        "receipt_answer": "    {item}：{answer}",
        "channel.electronic": "电子投票",
        "channel.paper": "纸质选票",
        "answer.yes": "同意",
        "answer.no": "反对",
        "answer.abstain": "弃权",
        "answer.unmarked": "未填写（计为弃权）",
        "answer.sep": "、",
        "outcome.no_quorum": "参与未达三分之二，未作出决定",
        "outcome.passed": "通过",
        "outcome.failed": "未通过",
        "outcome.elected": "当选：{names}",
        "outcome.nobody": "无人当选",
        "outcome.tie": "并列待定：{names}",
        "expect_root_help": "公示页面上公布的默克尔根（64 位十六进制），与归档的默克尔根比对",
        "public_url_help": "公示页面地址（…/p/meetings/编号/result/）或其 root.json 地址："
        "读取公布的默克尔根并比对",
        "expect_root_invalid": "--expect-root 须为 64 位十六进制的默克尔根：{detail}",
        "published_ok": "与公示比对：一致——归档的默克尔根就是公示的默克尔根（来源：{source}）",
        "published_bad": "与公示比对：不一致——归档的默克尔根为 {archived}，公示的为 {published}"
        "（来源：{source}）。这份归档不是公示的那一份：请勿采信，并将本输出提交召集人和街道办事处。",
        "published_version": "与公示比对：不一致——归档是结果第 {archived} 版，"
        "而 {source} 公布的是第 {published} 版。",
        "published_unavailable": "与公示比对：未能完成——无法读取公示的默克尔根（{reason}）：{detail}。"
        "请联网后重试，或用 --expect-root 填写公示页面上的默克尔根。",
        "unavailable.url": "地址须以 http:// 或 https:// 开头",
        "unavailable.network": "网络不通或超时",
        "unavailable.http": "服务器返回错误",
        "unavailable.json": "返回的不是公示默克尔根的 JSON",
        "unavailable.root": "返回内容中没有有效的默克尔根",
        "not_compared": "注意：以上只证明归档自身前后一致，不能证明它就是公示的那一份——"
        "翻改选票后重算默克尔根和结果的伪造归档同样一致。",
        "compare_by_hand": "请逐字比对：本归档的默克尔根 {root}（第 {version} 版）应与公示页面 "
        "/p/meetings/{meeting}/result/ 上“全部计入表决票的默克尔根”一栏完全相同；"
        "或加 --public-url 公示页面地址 / --expect-root 公示的默克尔根，由本工具比对。",
    },
    "en": {
        "description": "Check the archive of an owners' assembly result: recompute the Merkle root and the "
        "result and compare them with the archived result item by item.",
        "archive_help": "the archive file (archive.json)",
        "receipt_help": "the ballot hash on your receipt (its first characters suffice): show that ballot",
        "lang_help": "language of the messages: zh (Chinese, default) or en",
        "unreadable.file": "Cannot read the file: {detail}",
        "unreadable.json": "The file is not valid JSON: {detail}",
        "unreadable.format": "Not an OwnerVote result archive (format = {detail})",
        "unreadable.version": "Unsupported archive version: {detail} (this tool reads version 1)",
        "unreadable.content": "The archive is incomplete or malformed: {detail}",
        "heading": "Archive: {title} ({estate}, result version {version}, exported {exported})",
        "ballots": "{counted} counted ballots ({electronic} electronic, {paper} paper), "
        "{superseded} superseded paper ballots",
        "merkle_ok": "Merkle root: matches ({root})",
        "merkle_bad": "Merkle root: DIFFERS - the archive says {archived}, the ballots give {recomputed}",
        "services_ok": "{n} service records of the notice: intact (SHA-256 {digest})",
        "services_bad": "Service records of the notice: DIFFER - the archive says {archived}, the records "
        "give {recomputed}",
        "overall": "Overall (totals, participation)",
        "ok": "matches",
        "bad": "DIFFERS",
        "line": "{label}: {verdict}",
        "item_label": "Item {position} {title}",
        "difference": "{path}: archived {archived}, recomputed {recomputed}",
        "more": "{n} more differences",
        "missing": "(none)",
        "all_ok": "Conclusion: the archived result is exactly what the ballots give.",
        "some_bad": "Conclusion: DIFFERENCES FOUND - the archived result does not match the ballots. "
        "Send this output and the archive to the convener and the street office.",
        "digest": "Result hash (version {version}): {digest}",
        "head": "Audit log head when exported: {stream} entry {seq}, digest {hash}",
        "heads_note": "The archive does not hold the audit log itself, so this tool cannot check these "
        "heads. Compare them with the estate's daily digests on the public page (/p/audit/) and keep "
        "them; the operator checks that the log still extends them with "
        "manage.py verify_audit --anchors <this archive>.",
        "heads_bad": "The audit log heads are malformed: {detail}",
        "receipt_short": "Give at least the first 8 characters of the ballot hash.",
        "receipt_none": "No counted ballot has a ballot hash starting with {prefix}.",
        "receipt_superseded": "The ballot(s) with a hash starting with {prefix} were NOT counted "
        "(superseded):",
        "receipt_found": "The ballot with a hash starting with {prefix} was counted ({n} flat(s)):",
        "receipt_ballot": "  flat {flat} (owner {owner}), area {area} m², {channel}, ballot hash {receipt}",
        "receipt_answer": "    {item}: {answer}",
        "channel.electronic": "electronic",
        "channel.paper": "paper",
        "answer.yes": "yes",
        "answer.no": "no",
        "answer.abstain": "abstain",
        "answer.unmarked": "not marked (counts as abstention)",
        "answer.sep": ", ",
        "outcome.no_quorum": "fewer than two thirds took part: not decided",
        "outcome.passed": "passed",
        "outcome.failed": "not passed",
        "outcome.elected": "elected: {names}",
        "outcome.nobody": "nobody elected",
        "outcome.tie": "tied: {names}",
        "expect_root_help": "the Merkle root the public result page published (64 hex digits): "
        "compare it with the archive's",
        "public_url_help": "the public result page's address (…/p/meetings/<id>/result/) or its root.json: "
        "read the published Merkle root and compare",
        "expect_root_invalid": "--expect-root must be a Merkle root of 64 hex digits: {detail}",
        "published_ok": "Published root: matches - the archive's Merkle root is the published one "
        "(from {source})",
        "published_bad": "Published root: DIFFERS - the archive's Merkle root is {archived}, the published "
        "one is {published} (from {source}). This archive is not the published one: do not rely on it; "
        "send this output to the convener and the street office.",
        "published_version": "Published root: DIFFERS - the archive is result version {archived}, "
        "{source} publishes version {published}.",
        "published_unavailable": "Published root: NOT CHECKED - the published Merkle root could not be "
        "read ({reason}): {detail}. Retry online, or give the root shown on the public page with "
        "--expect-root.",
        "unavailable.url": "the address must start with http:// or https://",
        "unavailable.network": "offline, refused or timed out",
        "unavailable.http": "the server answered with an error",
        "unavailable.json": "the answer is not the published root's JSON",
        "unavailable.root": "the answer has no valid Merkle root",
        "not_compared": "Note: this shows only that the archive is consistent with itself, not that it "
        "is the published one - a forged archive with its root and result recomputed is consistent too.",
        "compare_by_hand": "Compare character by character: this archive's Merkle root {root} "
        '(version {version}) must be exactly the one under "Merkle root of all counted ballots" on '
        "the public page /p/meetings/{meeting}/result/; or pass --public-url <the page's address> or "
        "--expect-root <the published root> and let this tool compare.",
    },
}
MIN_RECEIPT = 8


class Printer:
    def __init__(self, lang: str, out=None):
        self.m = MESSAGES.get(lang, MESSAGES["zh"])
        self.out = out or sys.stdout

    def text(self, key: str, **values) -> str:
        return self.m[key].format(**values)

    def __call__(self, key: str, **values) -> None:
        print(self.text(key, **values), file=self.out)


def _value(p: Printer, value) -> str:
    if value is None:
        return p.text("missing")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _outcome(p: Printer, r: dict | None, names: dict[int, str]) -> str:
    if not isinstance(r, dict):
        return ""
    quorum = r.get("quorum") or {}
    if not (quorum.get("area") and quorum.get("owners")):
        return p.text("outcome.no_quorum")
    sep = p.text("answer.sep")
    if r.get("kind") == "election":
        elected = [names.get(c, str(c)) for c in r.get("elected") or ()]
        text = p.text("outcome.elected", names=sep.join(elected)) if elected else p.text("outcome.nobody")
        if r.get("tie"):
            text += "; " + p.text("outcome.tie", names=sep.join(names.get(c, str(c)) for c in r["tie"]))
        return text
    return p.text("outcome.passed") if r.get("passed") else p.text("outcome.failed")


def _print_line(p: Printer, label: str, line: archive.Line, outcome: str = "") -> None:
    verdict = p.text("ok") if line.ok else p.text("bad")
    if line.ok and outcome:
        verdict = f"{verdict}（{outcome}）" if p.m is MESSAGES["zh"] else f"{verdict} ({outcome})"
    p("line", label=label, verdict=verdict)
    shown = line.differences[: archive.MAX_DIFFERENCES]
    for d in shown:
        print(
            "    "
            + p.text(
                "difference", path=d.path, archived=_value(p, d.archived), recomputed=_value(p, d.recomputed)
            ),
            file=p.out,
        )
    if len(line.differences) > len(shown):
        print("    " + p.text("more", n=len(line.differences) - len(shown)), file=p.out)


def _answer(p: Printer, item: dict, value, names: dict[int, str]) -> str:
    if value is None or value == "" or value == []:
        return p.text("answer.unmarked")
    if isinstance(value, list):
        return p.text("answer.sep").join(names.get(int(c), str(c)) for c in value)
    key = f"answer.{value}"
    return p.text(key) if key in p.m else str(value)


def _print_receipt(p: Printer, data: dict, prefix: str, names: dict[int, str]) -> bool:
    clean = archive.normalise_hash(prefix)
    if len(clean) < MIN_RECEIPT:
        p("receipt_short")
        return False
    counted, superseded = archive.find_receipt(data, clean)
    print(file=p.out)
    if counted:
        p("receipt_found", prefix=clean, n=len(counted))
    elif superseded:
        p("receipt_superseded", prefix=clean)
    else:
        p("receipt_none", prefix=clean)
        return False
    for b in counted or superseded:
        channel = (
            p.text(f"channel.{b.get('channel')}")
            if f"channel.{b.get('channel')}" in p.m
            else b.get("channel")
        )
        p(
            "receipt_ballot",
            flat=b.get("flat"),
            owner=b.get("owner"),
            area=b.get("area"),
            channel=channel,
            receipt=b.get("receipt"),
        )
        answers = b.get("answers") or {}
        for item in data["items"]:
            value = answers.get(str(item.get("id")), answers.get(item.get("id")))
            label = p.text("item_label", position=item.get("position", "?"), title=item.get("title", ""))
            p("receipt_answer", item=label, answer=_answer(p, item, value, names))
    return bool(counted)


def _print_heads(p: Printer, data: dict) -> bool:
    """The audit chain heads the archive carries (R-SEC-5); False when they are malformed."""
    try:
        found = heads.heads(data)
    except heads.Malformed as exc:
        p("heads_bad", detail=str(exc))
        return False
    for h in found:
        p("head", stream=h.stream, seq=h.seq, hash=h.hash)
    if found:
        p("heads_note")
    return True


def _check_published(
    p: Printer, data: dict, *, expect_root: str | None, public_url: str | None, opener=None
) -> int:
    """Compare the archive's Merkle root with the published one (R-RES-4, R-SEC-5): OK, DIFFERS
    or UNCHECKED (the published root could not be read). Without either source: print the
    comparison to make by hand and answer OK (the exit status then says only that the archive is
    consistent, as the note says)."""
    version = data.get("result_version", "?")
    meeting = data.get("meeting") if isinstance(data.get("meeting"), dict) else {}
    if expect_root is None and public_url is None:
        p("not_compared")
        p("compare_by_hand", root=data.get("merkle_root"), version=version, meeting=meeting.get("id", "?"))
        return OK
    try:
        if expect_root is not None:
            source = published.expected_root(expect_root)
        else:
            source = published.fetch_published(
                public_url, version=version, **({"opener": opener} if opener else {})
            )
    except published.Unavailable as exc:
        p("published_unavailable", reason=p.text(f"unavailable.{exc.code}"), detail=exc.detail)
        return UNCHECKED
    if source.version is not None and source.version != version:
        p("published_version", archived=version, published=source.version, source=source.source)
        return DIFFERS
    if not published.compare(data.get("merkle_root"), source):
        p("published_bad", archived=data.get("merkle_root"), published=source.root, source=source.source)
        return DIFFERS
    p("published_ok", source=source.source)
    return OK


def run(
    path: str,
    *,
    receipt: str | None = None,
    lang: str = "zh",
    out=None,
    expect_root: str | None = None,
    public_url: str | None = None,
    opener=None,
) -> int:
    p = Printer(lang, out)
    try:
        data = archive.load(path)
        report = archive.check(data)
        recomputed = archive.recompute(data)
    except archive.Unreadable as exc:
        p(f"unreadable.{exc.code}", detail=exc.detail)
        return UNREADABLE
    meeting = data.get("meeting") if isinstance(data.get("meeting"), dict) else {}
    p(
        "heading",
        title=meeting.get("title", ""),
        estate=meeting.get("estate", ""),
        version=data.get("result_version", "?"),
        exported=data.get("exported_at", ""),
    )
    ballots = data["ballots"]
    p(
        "ballots",
        counted=len(ballots),
        electronic=sum(1 for b in ballots if isinstance(b, dict) and b.get("channel") == "electronic"),
        paper=sum(1 for b in ballots if isinstance(b, dict) and b.get("channel") == "paper"),
        superseded=len(data.get("superseded") or ()),
    )
    names = archive.candidate_names(data)
    by_item = {r["item"]: r for r in recomputed["items"]}
    items = iter(data["items"])
    for line in report.lines:
        if line.kind == "merkle":
            if line.ok:
                p("merkle_ok", root=line.recomputed)
            else:
                p("merkle_bad", archived=line.archived, recomputed=line.recomputed)
        elif line.kind == "overall":
            _print_line(p, p.text("overall"), line)
        elif line.kind == "services":  # R-MTG-10
            if line.ok:
                p("services_ok", n=line.label, digest=line.recomputed)
            else:
                p("services_bad", archived=line.archived, recomputed=line.recomputed)
                for d in line.differences[:5]:
                    p("difference", path=d.path, archived=d.archived, recomputed=p.text("missing"))
        else:
            item = next(items, None)
            outcome = _outcome(p, by_item.get(item.get("id")), names) if item else ""
            _print_line(p, p.text("item_label", position=line.position, title=line.label), line, outcome)
    if data.get("result_digest"):
        p("digest", version=data.get("result_version", "?"), digest=data["result_digest"])
    heads_ok = _print_heads(p, data)
    p("all_ok" if report.ok and heads_ok else "some_bad")
    found = True
    if receipt is not None:
        found = _print_receipt(p, data, receipt, names)
    print(file=p.out)
    against = _check_published(p, data, expect_root=expect_root, public_url=public_url, opener=opener)
    if not (report.ok and heads_ok and found) or against == DIFFERS:
        return DIFFERS
    return against


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    lang = "en" if "--lang" in argv and argv[argv.index("--lang") + 1 :][:1] == ["en"] else "zh"
    m = MESSAGES[lang]
    parser = argparse.ArgumentParser(prog="python -m ownervote.verify", description=m["description"])
    parser.add_argument("archive", help=m["archive_help"])
    parser.add_argument("--receipt", metavar="HASH", help=m["receipt_help"])
    parser.add_argument("--lang", choices=sorted(MESSAGES), default="zh", help=m["lang_help"])
    published_root = parser.add_mutually_exclusive_group()
    published_root.add_argument("--expect-root", metavar="HEX", help=m["expect_root_help"])
    published_root.add_argument("--public-url", metavar="URL", help=m["public_url_help"])
    args = parser.parse_args(argv)
    if args.expect_root is not None and not published.is_root(args.expect_root):
        parser.error(m["expect_root_invalid"].format(detail=args.expect_root))
    return run(
        args.archive,
        receipt=args.receipt,
        lang=args.lang,
        expect_root=args.expect_root,
        public_url=args.public_url,
    )


if __name__ == "__main__":
    sys.exit(main())
