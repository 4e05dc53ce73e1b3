"""A frozen result in plain words, for owners (the public page, the publicity message) and for the
printed tables. Reads only a ``Result.content``, so every copy of a version says the same."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ownervote.rules.tally import percent

OUT_OF_SCOPE = "out_of_scope"  # the per-flat table's answer of a flat outside an item's scope (R-MTG-9)


def fraction(text: str) -> Fraction:
    num, _sep, den = str(text).partition("/")
    return Fraction(int(num), int(den or 1))


def pct(text: str) -> str:
    """``"2/3"`` -> ``"66.67%"``."""
    return percent(fraction(text)) + "%"


def threshold_label(threshold: str) -> str:
    if threshold == "three_quarters":
        return _("at least three quarters of the participating area and owners")
    return _("more than half of the participating area and owners")


def answer_label(answer: str) -> str:
    return {
        "yes": pgettext("vote", "yes"),
        "no": pgettext("vote", "no"),
        "abstain": pgettext("vote", "abstain"),
        "": _("not marked"),
    }.get(answer, answer)


def candidate_names(content: dict) -> dict[int, str]:
    return {c["id"]: c["name"] for item in content["items"] for c in item["candidates"]}


def election_answer(value: str, candidates: Mapping[str, str], sep: str = "、") -> str:
    """An election's answer in the per-flat table: abstained, not marked, or the chosen candidates
    (``candidates`` maps a candidate's id, as the ballot stores it, to its name or ballot number)."""
    if value == "abstain":
        return answer_label("abstain")
    chosen = [candidates.get(c, c) for c in value.split(",") if c]
    return sep.join(chosen) if chosen else answer_label("")


def scope_line(item: dict, r: dict) -> str:
    """An item for part of the estate (R-MTG-9): its scope and the totals it was decided over, e.g.
    "表决范围：2栋业主（业主2人，专有部分面积260 m²）。"; "" for the whole estate."""
    scope, totals = item.get("scope"), r.get("scope_totals")
    if not scope or not totals:
        return ""
    return _("%(scope)s (%(owners)s owners, %(area)s m² in total). ") % {
        "scope": scope["label"],
        "owners": totals["owners"],
        "area": totals["area"],
    }


def nonvoters_counted(r: dict) -> bool:
    """Under 随多数, whether the item's participation includes non-voters (R-TALLY-7)."""
    nv = r.get("nonvoters") or {}
    return bool(nv.get("owners")) or fraction_area(nv.get("area", "0")) > 0


def fraction_area(text: str) -> Fraction:
    return Fraction(str(text or "0"))


def with_nonvoters(result: dict) -> dict | None:
    """Under 随多数, the participation with the non-voters counted with the majority (every item has
    the same: the voters and the non-voters deemed to take part) and whether it reaches two thirds;
    None when the result was computed without 随多数 or has no item (issue 24 item 5)."""
    if not result.get("follow_majority") or not result.get("items"):
        return None
    r = result["items"][0]
    p = r["participating"]
    return {
        "area": p["area"],
        "owners": p["owners"],
        "area_pct": pct(p["area_of_total"]) if "area_of_total" in p else "",
        "owners_pct": pct(p["owners_of_total"]) if "owners_of_total" in p else "",
        "quorum": bool(r["quorum"]["area"] and r["quorum"]["owners"]),
    }


def decided_by(result: dict, r: dict) -> str:
    """Which participation decided an item under 随多数: the owners who voted, or the owners who voted
    with the non-voters counted with the majority (R-TALLY-7, issue 24 item 5); "" without 随多数."""
    if not result.get("follow_majority"):
        return ""
    if nonvoters_counted(r):
        return _("Decided with the non-voters counted with the majority (随多数).")
    return _("Decided by the owners who voted: every owner voted, so no non-voter was counted.")


def item_outcome(content: dict, item: dict, r: dict) -> str:
    """One item's outcome in a sentence, after its scope when it concerns part of the estate
    (R-MTG-9): passed / not passed and why; for an election who was elected, who is tied. Under
    随多数, which participation decided it."""
    text = scope_line(item, r) + _item_outcome(content, item, r)
    by = decided_by(content["result"], r)
    return f"{text}{by}" if by else text


def _item_outcome(content: dict, item: dict, r: dict) -> str:
    names = candidate_names(content)
    quorum = r["quorum"]["area"] and r["quorum"]["owners"]
    if not quorum:
        return _("Not decided: fewer than two thirds of the area or of the owners took part.")
    if item["kind"] == "election":
        parts = []
        elected = [names.get(c, str(c)) for c in r.get("elected", [])]
        if elected:
            parts.append(_("Elected: %(names)s.") % {"names": "、".join(elected)})
        else:
            parts.append(_("Nobody was elected."))
        if r.get("tie"):
            parts.append(
                _(
                    "%(names)s are tied for the last %(n)s seat(s): the convener resolves the tie under "
                    "the rules of procedure."
                )
                % {"names": "、".join(names.get(c, str(c)) for c in r["tie"]), "n": r["seats_unfilled"]}
            )
        elif r.get("seats_unfilled"):
            parts.append(_("%(n)s seat(s) remain unfilled.") % {"n": r["seats_unfilled"]})
        return "".join(parts)
    if r["passed"]:
        return _("Passed: %(rule)s agreed.") % {"rule": threshold_label(r["threshold"])}
    return _("Not passed: it needed %(rule)s to agree.") % {"rule": threshold_label(r["threshold"])}


def outcome_lines(content: dict) -> list[str]:
    """The whole result in plain sentences: participation, then one line per item."""
    result = content["result"]
    p = result["participating"]
    lines = [
        _(
            "%(owners)s of %(total_owners)s owners (%(owners_pct)s) holding %(area)s of %(total_area)s m² "
            "(%(area_pct)s) took part."
        )
        % {
            "owners": p["owners"],
            "total_owners": result["totals"]["owners"],
            "owners_pct": pct(p["owners_of_total"]),
            "area": p["area"],
            "total_area": result["totals"]["area"],
            "area_pct": pct(p["area_of_total"]),
        }
    ]
    if result.get("follow_majority"):
        lines.append(
            _(
                "Computed with the estate's rule that non-voters are counted with the majority (随多数); "
                "this rule is disputed under the Civil Code."
            )
        )
        lines += participation_both_ways(result)
    by_id = {r["item"]: r for r in result["items"]}
    for item in content["items"]:
        r = by_id.get(item["id"])
        if r is None:
            continue
        lines.append(
            _("Item %(n)s “%(title)s”: %(outcome)s")
            % {"n": item["position"], "title": item["title"], "outcome": item_outcome(content, item, r)}
        )
    return lines


def met(ok: bool) -> str:
    return pgettext("quorum", "met") if ok else pgettext("quorum", "not met")


def participation_both_ways(result: dict) -> list[str]:
    """Under 随多数, the two-thirds participation both ways: by the owners who voted, and with the
    non-voters counted with the majority (issue 24 item 5)."""
    both = with_nonvoters(result)
    if both is None:
        return []
    voted = result["quorum"]["area"] and result["quorum"]["owners"]
    return [
        _("Two thirds took part counting the owners who voted: %(met)s.") % {"met": met(voted)},
        _(
            "With the non-voters counted with the majority (随多数), %(owners)s owners holding %(area)s m² "
            "take part; two thirds: %(met)s."
        )
        % {"owners": both["owners"], "area": both["area"], "met": met(both["quorum"])},
    ]


def short_outcome(item: dict, r: dict) -> str:
    """A word for tables: 通过 / 未通过 / 未达法定人数 / 已选出 / 有并列."""
    if not (r["quorum"]["area"] and r["quorum"]["owners"]):
        return _("no quorum")
    if item["kind"] == "election":
        if r.get("tie"):
            return _("tie")
        return _("elected %(n)s of %(seats)s") % {
            "n": len(r.get("elected", [])),
            "seats": r.get("seats") or 0,
        }
    return pgettext("item outcome", "passed") if r["passed"] else pgettext("item outcome", "not passed")


def correction_line(content: dict) -> str:
    """ "更正" of the version a correction's version corrects, with its reason (R-SEC-6); "" for a
    version that corrects nothing."""
    corrects = content.get("corrects")
    if not isinstance(corrects, dict):
        return ""
    return _("Correction of the publicised version %(n)s: %(reason)s") % {
        "n": corrects.get("number"),
        "reason": corrects.get("reason", ""),
    }


def _figures(share: dict) -> tuple[str, int]:
    return str(share.get("area", "0")), int(share.get("owners", 0))


def _item_change(content: dict, item: dict, old: dict, new: dict) -> str:
    """One item's change, old → new, in a line; "" when nothing of it changed."""
    was, now = short_outcome(item, old), short_outcome(item, new)
    if item["kind"] == "election":
        names = candidate_names(content)
        before = "、".join(names.get(c, str(c)) for c in old.get("elected", [])) or "—"
        after = "、".join(names.get(c, str(c)) for c in new.get("elected", [])) or "—"
        votes = {c["candidate"]: _figures(c) for c in old.get("candidates", [])}
        moved = any(votes.get(c["candidate"]) != _figures(c) for c in new.get("candidates", []))
        if before == after and was == now and not moved:
            return ""
        detail = _("elected %(old)s → %(new)s") % {"old": before, "new": after}
    else:
        (area_o, owners_o), (area_n, owners_n) = (
            _figures(old["answers"]["yes"]),
            _figures(new["answers"]["yes"]),
        )
        if was == now and (area_o, owners_o) == (area_n, owners_n):
            return ""
        detail = _("agreed: %(old_owners)s → %(owners)s owners, %(old_area)s → %(area)s m²") % {
            "old_owners": owners_o,
            "owners": owners_n,
            "old_area": area_o,
            "area": area_n,
        }
    head = (
        _("%(old)s → %(new)s") % {"old": was, "new": now} if was != now else _("still %(now)s") % {"now": now}
    )
    return _("Item %(n)s “%(title)s”: %(outcome)s (%(detail)s)") % {
        "n": item["position"],
        "title": item["title"],
        "outcome": head,
        "detail": detail,
    }


def correction_changes(old: dict, new: dict) -> list[str]:
    """What a correction changed, old → new, from the two versions' contents (R-SEC-6): the
    participation when it moved, then each item whose outcome or figures moved; a line saying no
    outcome changed when none did."""
    lines = []
    p_old, p_new = old["result"]["participating"], new["result"]["participating"]
    if _figures(p_old) != _figures(p_new):
        lines.append(
            _("Taking part: %(old_owners)s → %(owners)s owners, %(old_area)s → %(area)s m².")
            % {
                "old_owners": p_old["owners"],
                "owners": p_new["owners"],
                "old_area": p_old["area"],
                "area": p_new["area"],
            }
        )
    before = {r["item"]: r for r in old["result"]["items"]}
    after = {r["item"]: r for r in new["result"]["items"]}
    items = [
        _item_change(new, item, before[item["id"]], after[item["id"]])
        for item in new["items"]
        if item["id"] in before and item["id"] in after
    ]
    items = [line for line in items if line]
    outcomes_moved = any(
        short_outcome(item, before[item["id"]]) != short_outcome(item, after[item["id"]])
        for item in new["items"]
        if item["id"] in before and item["id"] in after
    )
    if not outcomes_moved:
        items.append(_("No item's outcome changed."))
    return lines + items


def correction_notice(number, published_on, reason: str) -> str:
    """The sentence that heads a correction's version wherever owners read it (R-SEC-6): which
    publicised result it corrects, from which day, and why."""
    if published_on is None:
        return _("This result corrects version %(n)s of the result. Why: %(reason)s") % {
            "n": number,
            "reason": reason,
        }
    return _("This result corrects the result publicised on %(date)s (version %(n)s). Why: %(reason)s") % {
        "date": f"{published_on.year}年{published_on.month}月{published_on.day}日",
        "n": number,
        "reason": reason,
    }


def service_label(channel: str, at: str = "") -> str:
    """The per-flat table's service cell (R-MTG-10): how and when the meeting's notice first
    reached the flat's owners, or that it did not."""
    if not channel:
        return _("not served")
    label = {
        "inbox_read": pgettext("notice service", "inbox read"),
        "sms_sent": pgettext("notice service", "SMS sent"),
        "wechat_sent": pgettext("notice service", "WeChat sent"),
        "sms_delivered": pgettext("notice service", "SMS delivered"),
        "wechat_delivered": pgettext("notice service", "WeChat delivered"),
        "paper_posted": pgettext("notice service", "posted"),
    }.get(channel, channel)
    return f"{label} {at}".strip()
