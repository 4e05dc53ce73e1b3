"""Forms of the meeting pages. They parse input only; every rule (the 20-day entry, the 15-day
publicity, who may convene or guide, the documents a first assembly needs, the election's seats
and choices) is decided by ``ownervote.meetings.services`` and ``ownervote.rules.schedule``; what
a valid topic or item is, by ``ownervote.meetings.items`` (the editor asks it too, to mark each
problem next to its field before anything is saved).

The meeting form is entered in one sitting: the meeting's own fields (``MeetingForm``) and its
topics with their voting items (``TopicsEditor``), rows that can be added and removed. The add and
remove buttons post the form: with htmx only the rows come back (``views.editor``), without
JavaScript the whole page, with the row added or removed; nothing is saved either way.

Row field names: topic ``t<T>-title``, item ``t<T>-i<I>-title``; T and I are any numbers (new rows
are numbered on from the highest), their order is the order on the page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.core.files import Upload
from ownervote.core.forms import PlausibleDateTimeField, ServiceForm
from ownervote.core.validators import is_plausible_year

from . import items, scopes, selectors
from .models import Item, Meeting, MeetingDocument

MAX_TEXT = 4000
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """``<input type="datetime-local">``: the browser's date and time picker, Beijing time."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_LOCAL, **kwargs)


def _datetime_field(label, help_text=""):
    return PlausibleDateTimeField(
        label=label,
        help_text=help_text,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=DateTimeLocalInput(attrs={"class": "mt-date"}),
    )


class MeetingForm(forms.Form):
    """The meeting itself (R-MTG-1, R-MTG-7). ``change=True`` for a meeting already entered: the
    change then needs its reason (R-MTG-6)."""

    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=Meeting.Kind.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "rs-wide", "autocomplete": "off"}),
        help_text=_("For example: 2026 second temporary meeting of the owners' assembly."),
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "rs-wide", "autocomplete": "off"}),
        help_text=_("Where the meeting is held and paper ballots are collected, e.g. the clubhouse hall."),
    )
    method = forms.ChoiceField(label=_("Voting method"), choices=Meeting.Method.choices)
    starts_at = _datetime_field(
        _("Meeting starts"), _("The day the meeting is held: every deadline counts back from it.")
    )
    voting_opens_at = _datetime_field(_("Voting opens"), _("Not before the meeting starts."))
    voting_closes_at = _datetime_field(_("Voting closes"))
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.TextInput(attrs={"class": "rs-wide", "autocomplete": "off"}),
        help_text=_('Shown on the public notice with the new version: "changed on … because …".'),
    )

    DATE_FIELDS = ("starts_at", "voting_opens_at", "voting_closes_at")

    def __init__(self, *args, change: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.change = change
        if change:
            self.fields["reason"].required = True
            # Fixed once entered (the service refuses it too): cancel and set up a new meeting.
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("The kind of an entered meeting cannot change.")
        else:
            del self.fields["reason"]

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict:
        return {
            "kind": meeting.kind,
            "title": meeting.title,
            "place": meeting.place,
            "method": meeting.method,
            **{name: timezone.localtime(getattr(meeting, name)) for name in cls.DATE_FIELDS},
        }

    def service_fields(self) -> dict:
        """The cleaned meeting fields as ``meeting_create`` / ``meeting_update`` take them."""
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("kind", "title", "place", "method", *self.DATE_FIELDS)
            if name in data
        }


def shift_to_day(values: dict, day: dt.date) -> dict:
    """``values`` (the raw meeting fields) with the meeting moved to ``day``: the meeting start
    keeps its time of day and the voting period moves by as many days (the "use this date"
    button of a refusal)."""
    out = dict(values)
    start = _parse_local(values.get("starts_at", ""))
    if start is None or not is_plausible_year(start.year) or not is_plausible_year(day.year):
        return out  # a date out of range is refused by the form, never shifted past year 9999
    delta = day - start.date()
    for name in MeetingForm.DATE_FIELDS:
        parsed = _parse_local(values.get(name, ""))
        if parsed is not None and is_plausible_year(parsed.year):
            out[name] = (parsed + delta).strftime(DATETIME_LOCAL)
    return out


def _parse_local(text: str) -> dt.datetime | None:
    for fmt in MeetingForm.base_fields["starts_at"].input_formats:
        try:
            return dt.datetime.strptime(str(text).strip(), fmt)
        except ValueError:
            continue
    return None


# --- topics and items -------------------------------------------------------------------------


def _text_input(limit: int) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "rs-wide", "autocomplete": "off", "maxlength": limit})


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": items.MAX_TEXT})


class TopicForm(forms.Form):
    """One topic row: parsed only (``items.clean_topics`` decides what is missing or too long)."""

    title = forms.CharField(label=_("Topic"), required=False, widget=_text_input(items.TOPIC_TITLE_MAX))
    description = forms.CharField(label=_("Description"), required=False, widget=_textarea(2))


CATEGORY_CHOICES = [("", _("— choose the decision category —")), *Item.Category.choices]


class ItemForm(forms.Form):
    """One voting item row: parsed only (the candidates' lines into names and profiles); a blank row
    is dropped; ``items.clean_topics`` decides the rest."""

    title = forms.CharField(label=_("Voting item"), required=False, widget=_text_input(items.ITEM_TITLE_MAX))
    description = forms.CharField(label=_("Description"), required=False, widget=_textarea(2))
    kind = forms.ChoiceField(
        label=_("Kind of item"),
        choices=Item.Kind.choices,
        initial=Item.Kind.QUESTION,
        widget=forms.Select(attrs={"class": "mt-item-kind"}),
    )
    category = forms.TypedChoiceField(
        label=_("Decision category (Civil Code art. 278)"),
        choices=CATEGORY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "It decides the threshold: categories 6 to 8 need three quarters, the others a majority."
        ),
    )
    seats = forms.IntegerField(
        label=_("Seats"), required=False, widget=forms.NumberInput(attrs={"class": "mt-narrow", "min": 1})
    )
    max_choices = forms.IntegerField(
        label=_("Choices per ballot"),
        required=False,
        widget=forms.NumberInput(attrs={"class": "mt-narrow", "min": 1}),
        help_text=_("How many candidates one ballot may mark; empty: as many as the seats."),
    )
    candidates = forms.CharField(
        label=_("Candidates"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One candidate a line: the name, then optionally a colon and a short profile."),
    )

    scope = forms.ChoiceField(
        label=_("Who votes on it"),
        choices=Item.Scope.choices,
        initial=Item.Scope.ESTATE,
        required=False,
        widget=forms.Select(attrs={"class": "mt-item-scope"}),
        help_text=_(
            "An item for part of the estate (e.g. one building's lift from its maintenance fund) is "
            "voted on, and its quorum and thresholds counted, by the owners of that part only."
        ),
    )
    scope_buildings = forms.CharField(
        label=_("Buildings"),
        max_length=2000,
        required=False,
        widget=_text_input(2000),
        help_text=_("The buildings' names as in the roster, separated by commas, e.g. 3栋、5栋."),
    )
    scope_flats = forms.CharField(
        label=_("Flats sharing the cost"),
        max_length=400000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Paste the flats as the roster names them (e.g. 3栋-101), one a line or comma "
            "separated, or a CSV."
        ),
    )
    scope_name = forms.CharField(
        label=_("What they share"),
        max_length=100,
        required=False,
        widget=_text_input(100),
        help_text=_("E.g. 3栋电梯维修资金分摊业主: printed on the notice, the ballot and the result."),
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any((data.get("title"), data.get("description"), data.get("candidates")))

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data  # a blank row is dropped
        if data.get("kind") == Item.Kind.ELECTION:
            try:
                data["candidate_list"] = parse_candidates(data.get("candidates") or "")
            except ValidationError as exc:
                self.add_error("candidates", exc)
        return data

    def service_item(self) -> dict:
        """The row as ``items.clean_topics`` and the services take it. An empty "choices per
        ballot" of an election means as many as the seats."""
        data = self.cleaned_data
        item = {
            "title": data["title"],
            "description": data.get("description") or "",
            "kind": data["kind"],
            "category": data.get("category"),
            "seats": None,
            "max_choices": None,
            "candidates": [],
        }
        if data["kind"] == Item.Kind.ELECTION:
            item["seats"] = data.get("seats")
            item["max_choices"] = data.get("max_choices") or data.get("seats")
            item["candidates"] = data.get("candidate_list", [])
        scope = data.get("scope") or Item.Scope.ESTATE
        if scope == Item.Scope.BUILDINGS:  # R-MTG-9
            item["scope"] = {
                "kind": scope,
                "buildings": scopes.parse_flat_list(data.get("scope_buildings", "")),
            }
        elif scope == Item.Scope.FLATS:
            item["scope"] = {
                "kind": scope,
                "flats": scopes.parse_flat_list(data.get("scope_flats", "")),
                "name": data.get("scope_name", ""),
            }
        return item


CANDIDATE_SPLIT = re.compile(r"\s*[:：]\s*")


def parse_candidates(text: str) -> list[dict]:
    """``张三：退休教师，3栋业主`` lines into ``[{"name": "张三", "profile": "退休教师，3栋业主"}]``
    (blank lines skipped; a line without a name is refused with its number)."""
    out, errors = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = CANDIDATE_SPLIT.split(line, maxsplit=1)
        name, profile = parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
        if not name:
            errors.append(_("Line %(n)d: the name is missing.") % {"n": n})
        else:
            out.append({"name": name, "profile": profile})
    if errors:
        raise ValidationError(errors)
    return out


def candidates_text(candidates) -> str:
    """The other way round, for editing a stored election."""
    lines = []
    for c in candidates:
        name, profile = (c["name"], c.get("profile", "")) if isinstance(c, dict) else (c.name, c.profile)
        lines.append(f"{name}：{profile}" if profile else name)
    return "\n".join(lines)


@dataclass
class ItemRow:
    index: int
    form: ItemForm
    number: int = 0  # as shown: items are numbered across the meeting


@dataclass
class TopicRow:
    index: int
    form: TopicForm
    items: list[ItemRow] = field(default_factory=list)
    number: int = 0

    @property
    def next_item_index(self) -> int:
        return max((i.index for i in self.items), default=-1) + 1


TOPIC_KEY = re.compile(r"^t(\d+)-title$")
ITEM_KEY = re.compile(r"^t(\d+)-i(\d+)-title$")
ROWS_ACTION = re.compile(r"^(add-topic|add-item-(\d+)|remove-topic-(\d+)|remove-item-(\d+)-(\d+))$")


def topic_prefix(t: int | str) -> str:
    return f"t{t}"


def item_prefix(t: int | str, i: int | str) -> str:
    return f"t{t}-i{i}"


class TopicsEditor:
    """The topics and their items, as rows of small forms."""

    def __init__(self, data=None, *, initial: list[dict] | None = None):
        self.bound = data is not None
        self.topics: list[TopicRow] = []
        self.errors: list[str] = []
        if data is not None:
            self._from_data(data)
        else:
            for t, topic in enumerate(initial or [{"items": [{}]}]):
                row = TopicRow(t, TopicForm(prefix=topic_prefix(t), initial=_topic_initial(topic)))
                for i, item in enumerate(topic.get("items") or []):
                    row.items.append(
                        ItemRow(i, ItemForm(prefix=item_prefix(t, i), initial=_item_initial(item)))
                    )
                self.topics.append(row)

    def _from_data(self, data) -> None:
        topic_ids = sorted({int(m.group(1)) for k in data if (m := TOPIC_KEY.match(k))})
        item_ids: dict[int, list[int]] = {}
        for k in data:
            if m := ITEM_KEY.match(k):
                item_ids.setdefault(int(m.group(1)), []).append(int(m.group(2)))
        for t in topic_ids:
            row = TopicRow(t, TopicForm(data, prefix=topic_prefix(t)))
            for i in sorted(set(item_ids.get(t, []))):
                row.items.append(ItemRow(i, ItemForm(data, prefix=item_prefix(t, i))))
            self.topics.append(row)

    @classmethod
    def for_meeting(cls, meeting: Meeting) -> TopicsEditor:
        """The stored topics as the editor's rows: what a version would freeze (one query for the
        items and their candidates, not one per item)."""
        return cls(initial=selectors.meeting_content(meeting)["topics"] or None)

    @property
    def rows(self) -> list[TopicRow]:
        """The topics, numbered as shown: topic 1, 2 ...; items 1, 2 ... across the meeting."""
        n = 0
        for t, topic in enumerate(self.topics, start=1):
            topic.number = t
            for item in topic.items:
                n += 1
                item.number = n
        return self.topics

    @property
    def next_topic_index(self) -> int:
        return max((t.index for t in self.topics), default=-1) + 1

    def apply(self, action: str) -> bool:
        """Add or remove a row (the no-script buttons); False for an unknown action."""
        m = ROWS_ACTION.match(action or "")
        if not m:
            return False
        added = None
        if m.group(1) == "add-topic":
            t = self.next_topic_index
            added = TopicForm(prefix=topic_prefix(t))
            self.topics.append(TopicRow(t, added, [ItemRow(0, ItemForm(prefix=item_prefix(t, 0)))]))
        elif m.group(2) is not None:
            topic = self._topic(int(m.group(2)))
            if topic is not None:
                i = topic.next_item_index
                added = ItemForm(prefix=item_prefix(topic.index, i))
                topic.items.append(ItemRow(i, added))
        elif m.group(3) is not None:
            self.topics = [t for t in self.topics if t.index != int(m.group(3))]
        else:
            topic = self._topic(int(m.group(4)))
            if topic is not None:
                topic.items = [i for i in topic.items if i.index != int(m.group(5))]
        self.unbind()
        if added is not None:  # the row just added takes the focus, to be typed in
            added.fields["title"].widget.attrs["autofocus"] = True
        return True

    def unbind(self) -> None:
        """Show what was typed without error marks: nothing was submitted yet (a row added or
        removed, the meeting moved to another day)."""
        for topic in self.topics:
            if topic.form.is_bound:
                topic.form = TopicForm(initial=_values(topic.form), prefix=topic.form.prefix)
            for item in topic.items:
                if item.form.is_bound:
                    item.form = ItemForm(initial=_values(item.form), prefix=item.form.prefix)

    def _topic(self, index: int) -> TopicRow | None:
        return next((t for t in self.topics if t.index == index), None)

    def is_valid(self) -> bool:
        """Every row parses, and the topics they make pass ``items.clean_topics`` (each problem is
        put next to its row and field, as the service would name it)."""
        ok = True
        for topic in self.topics:
            ok = topic.form.is_valid() and ok
            for item in topic.items:
                ok = item.form.is_valid() and ok
        if not ok:
            return False
        problems: dict = {}
        items.clean_topics(self.cleaned(), problems)
        for path, message in self._shown(problems).items():
            self.add_service_error(path.split(".")[1:], message)
        return not problems

    def _shown(self, problems: dict) -> dict:
        """The problems as the page shows them: an election's "choices per ballot" left empty means
        as many as the seats, so when the seats are missing only the seats are marked."""
        shown = dict(problems)
        for path in problems:
            if path.endswith(".max_choices") and path.removesuffix(".max_choices") + ".seats" in problems:
                row = self._item_at(path.split(".")[1:])
                if row is not None and row.form.cleaned_data.get("max_choices") is None:
                    del shown[path]
        return shown

    def _item_at(self, path: list[str]) -> ItemRow | None:
        """The item row of ``<topic>.items.<item>...`` (positions of the last ``cleaned()``)."""
        try:
            _topic, kept = self._sent[int(path[0])]
            return kept[int(path[2])]
        except (AttributeError, IndexError, ValueError):
            return None

    def cleaned(self) -> list[dict]:
        """The topics as ``items.clean_topics`` and the services take them; blank rows dropped."""
        out = []
        self._sent = []
        for topic in self.topics:
            kept = [i for i in topic.items if not i.form.is_blank()]
            rows = [i.form.service_item() for i in kept]
            title = topic.form.cleaned_data.get("title", "")
            if not title and not rows:
                continue
            self._sent.append((topic, kept))
            out.append(
                {
                    "title": title,
                    "description": topic.form.cleaned_data.get("description", ""),
                    "items": rows,
                }
            )
        return out

    def add_service_error(self, path: list[str], message) -> None:
        """A service's error about ``topics.<path>`` (``0.items.1.seats``), put next to the row
        and field it is about; positions are those of the last ``cleaned()``."""
        sent = getattr(self, "_sent", [])
        try:
            topic, kept = sent[int(path[0])]
        except (IndexError, ValueError):
            self.errors.append(str(message))
            return
        rest = path[1:]
        if not rest or rest[0] != "items":
            field = rest[0] if rest and rest[0] in topic.form.fields else None
            topic.form.add_error(field, message)
            return
        try:
            item = kept[int(rest[1])]
        except (IndexError, ValueError):
            topic.form.add_error(None, message)
            return
        field = rest[2] if len(rest) > 2 and rest[2] in item.form.fields else None
        item.form.add_error(field, message)

    def has_errors(self) -> bool:
        return bool(self.errors) or any(
            t.form.errors or any(i.form.errors for i in t.items) for t in self.topics
        )


def _values(form: forms.Form) -> dict:
    """A bound form's raw values, to show again as initial values."""
    return {name: form[name].value() for name in form.fields}


def _topic_initial(topic: dict) -> dict:
    return {"title": topic.get("title", ""), "description": topic.get("description", "")}


def _item_initial(item: dict) -> dict:
    if not item:
        return {"kind": Item.Kind.QUESTION}
    return {
        "title": item.get("title", ""),
        "description": item.get("description", ""),
        "kind": item.get("kind", Item.Kind.QUESTION),
        "category": item.get("category"),
        "seats": item.get("seats"),
        "max_choices": item.get("max_choices"),
        "candidates": candidates_text(item.get("candidates") or []),
        **_scope_initial(item.get("scope")),
    }


def _scope_initial(scope) -> dict:
    if not isinstance(scope, dict) or scope.get("kind") in (None, Item.Scope.ESTATE):
        return {"scope": Item.Scope.ESTATE}
    return {
        "scope": scope["kind"],
        "scope_buildings": "、".join(scope.get("buildings") or []),
        "scope_flats": "\n".join(scope.get("flats") or []),
        "scope_name": scope.get("name", ""),
    }


# --- the other forms --------------------------------------------------------------------------


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=MeetingDocument.Kind.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "rs-wide", "autocomplete": "off"}),
    )
    file = forms.FileField(label=_("File"), help_text=_("A PDF is best: it prints and opens on every phone."))

    def upload(self) -> Upload:
        return Upload.from_django(self.cleaned_data["file"])


class ReasonForm(forms.Form):
    """Cancelling a meeting."""

    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        max_length=MAX_TEXT,
        widget=forms.TextInput(attrs={"class": "rs-wide", "autocomplete": "off"}),
    )


class GuidanceForm(ServiceForm, forms.Form):
    text = forms.CharField(
        label=_("Guidance opinion"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The convener sees it on the meeting's page, with your name and the version it is about."
        ),
    )


class CompareForm(forms.Form):
    a = forms.IntegerField(label=_("Version"), min_value=1)
    b = forms.IntegerField(label=_("compared with version"), min_value=1)


# Dates as they are pasted from the State Council's notice or typed: 2027-01-01, 2027/1/1,
# 2027年1月1日, 2027.1.1; a range with 至, 到, ~ or an en dash: 2027-02-05至2027-02-11.
DATE_PATTERN = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
RANGE = re.compile(rf"^{DATE_PATTERN}(?:\s*(?:至|到|~|～|–|—|--)\s*{DATE_PATTERN})?$")
SEPARATORS = re.compile(r"[\s,，、;；]+")
RANGE_JOIN = re.compile(r"\s*(至|到|~|～|–|—|--)\s*")


def parse_dates(text: str, *, year: int | None = None) -> list[dt.date]:
    """Every date in ``text``, ranges expanded, sorted, each once; ValidationError naming each
    piece that is not a date (or not in ``year``)."""
    text = RANGE_JOIN.sub(r"\1", text or "")
    found: set[dt.date] = set()
    errors = []
    for token in SEPARATORS.split(text.strip()):
        if not token:
            continue
        m = RANGE.match(token)
        try:
            if not m:
                raise ValueError
            first = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            last = dt.date(int(m.group(4)), int(m.group(5)), int(m.group(6))) if m.group(4) else first
        except ValueError:
            errors.append(_("“%(text)s” is not a date (write 2027-01-01).") % {"text": token})
            continue
        if last < first or (last - first).days > 31:
            errors.append(_("“%(text)s” is not a range of at most a month.") % {"text": token})
            continue
        for n in range((last - first).days + 1):
            day = first + dt.timedelta(days=n)
            if year is not None and day.year != year:
                errors.append(_("%(day)s is not in %(year)d.") % {"day": day.isoformat(), "year": year})
                break
            found.add(day)
    if errors:
        raise ValidationError(errors)
    return sorted(found)


class CalendarYearForm(ServiceForm, forms.Form):
    """A year of the official holiday schedule (国务院办公厅关于部分节假日安排的通知)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    holidays = forms.CharField(
        label=_("Days off (statutory holidays and the rest days moved next to them)"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6, "class": "rs-wide"}),
        help_text=_(
            "Paste the dates from the notice, separated by spaces, commas or lines; a range with 至 or ~, "
            "e.g. 2027-02-05至2027-02-11."
        ),
    )
    workdays = forms.CharField(
        label=_("Make-up working days (weekend days worked, 调休上班)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "rs-wide"}),
    )
    source = forms.CharField(
        label=_("Source notice"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "rs-wide", "autocomplete": "off"}),
        help_text=_(
            "The notice's title and number, e.g. "
            "国务院办公厅关于2027年部分节假日安排的通知 国办发明电〔2026〕X号."
        ),
    )

    def clean(self):
        data = super().clean()
        year = data.get("year")
        for name in ("holidays", "workdays"):
            if name in data:
                try:
                    data[f"{name}_dates"] = parse_dates(data[name], year=year)
                except ValidationError as exc:
                    self.add_error(name, exc)
        return data

    @staticmethod
    def initial_for(year: int, holidays, workdays, source: str) -> dict:
        return {
            "year": year,
            "holidays": "\n".join(d.isoformat() for d in sorted(holidays)),
            "workdays": "\n".join(d.isoformat() for d in sorted(workdays)),
            "source": source,
        }


class PaperServiceForm(ServiceForm, forms.Form):
    """The convener records a posted paper notice (R-MTG-10): for a whole building, or for the
    flats ticked in the list of flats not served yet (``flats``, read from the request)."""

    building = forms.TypedChoiceField(label=_("Building"), coerce=int, required=False, empty_value=None)
    place = forms.CharField(
        label=_("Posted at"),
        max_length=200,
        help_text=_("Where the notice hangs, e.g. the notice board at the entrance of building 3."),
        widget=forms.TextInput(attrs={"class": "rs-wide", "autocomplete": "off"}),
    )
    posted_at = _datetime_field(_("Posted on"))
    photo = forms.FileField(
        label=_("Photo of the posted notice"),
        help_text=_("A JPEG, PNG or WebP photo of the notice on the wall."),
    )
    warning_shown = forms.BooleanField(
        label=_("The posted notice carries the warning that non-voters are counted with the majority"),
        required=False,
    )

    def __init__(self, *args, buildings=(), follow_majority: bool = False, flat_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.flat_ids = [int(i) for i in flat_ids if str(i).isascii() and str(i).isdigit()]
        self.fields["building"].choices = [("", _("the flats ticked below"))] + [
            (b.pk, b.name) for b in buildings
        ]
        if not follow_majority:
            del self.fields["warning_shown"]

    def clean(self):
        data = super().clean()
        if data.get("building") is None and not self.flat_ids:
            raise ValidationError(_("Choose a building, or tick the flats the posted notice serves."))
        return data

    def upload(self) -> Upload:
        return Upload.from_django(self.cleaned_data["photo"])
