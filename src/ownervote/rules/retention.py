"""R-SEC-7: how long each kind of personal data is kept, and what happens when that time is up.

The one table the retention job (``manage.py erase_expired``, ``audit.retention``) reads; the data
inventory (docs/privacy/inventory.md) says the same in Chinese, and tests/privacy/test_retention.py
checks that the two agree. Each kind names the inventory's fields it erases, the period, the moment
the period runs from, what happens at expiry (``delete`` the row, or ``anonymise``: keep the row
for counts and the audit trail, empty its personal columns) and the legal reason.

A period is whole calendar years plus days. A record of time ``t`` expires at ``expires_at(t)``:
``t`` plus the years (29 February becomes 1 March in a common year: the period never ends
early, and a later record never expires before an earlier one) plus the days; it is
expired from that moment on. ``cutoff(now)`` is the latest ``t`` already expired at ``now``, so the
job selects ``t <= cutoff(now)``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

DELETE = "delete"
ANONYMISE = "anonymise"


@dataclass(frozen=True)
class Period:
    years: int = 0
    days: int = 0

    def describe(self) -> str:
        """As the inventory writes it: ``3 年``, ``180 天``, ``1 年``, ``到期即删``."""
        if self.years and not self.days:
            return f"{self.years} 年"
        if self.days and not self.years:
            return f"{self.days} 天"
        if not self.years and not self.days:
            return "到期即删"
        return f"{self.years} 年 {self.days} 天"


@dataclass(frozen=True)
class Rule:
    kind: str
    period: Period
    runs_from: str  # the model field the period counts from
    action: str  # DELETE or ANONYMISE
    fields: tuple[str, ...]  # the inventory's entries (model.field) it erases
    basis: str  # the legal reason, as the inventory cites it


RULES: dict[str, Rule] = {
    r.kind: r
    for r in [
        Rule(
            "session",
            Period(),
            "expire_date",
            DELETE,
            ("sessions.Session.session_data",),
            "个保法 19",
        ),
        Rule(
            "sms_code",
            Period(days=1),
            "created_at",
            DELETE,
            ("identity.SmsCode.mobile_masked", "identity.SmsCode.mobile_hash", "identity.SmsCode.ip"),
            "个保法 19",
        ),
        Rule(
            "sent_sms",
            Period(days=180),
            "sent_at",
            DELETE,
            ("identity.SentSms.mobile_*", "identity.SentSms.params_enc"),
            "个保法 19；网安法 21",
        ),
        Rule(
            "task_result",
            Period(days=14),
            "finished_at",
            DELETE,
            ("django_tasks_database.DBTaskResult.args_kwargs",),
            "个保法 19",
        ),
        Rule(
            "signin_attempt",
            Period(days=1),
            "attempt_time",
            DELETE,
            ("axes.AccessAttempt.ip_address", "axes.AccessAttempt.username", "axes.AccessAttempt.user_agent"),
            "个保法 19、51",
        ),
        Rule(
            "signin_failure_log",
            Period(days=180),
            "attempt_time",
            DELETE,
            (
                "axes.AccessFailureLog.ip_address",
                "axes.AccessFailureLog.username",
                "axes.AccessFailureLog.user_agent",
            ),
            "网安法 21",
        ),
        Rule(
            "authorised_staff",
            Period(years=3),
            "revoked_at, else valid_until",
            ANONYMISE,
            (
                "orgs.AuthorisedStaff.name_*",
                "orgs.AuthorisedStaff.id_number_*",
                "orgs.AuthorisedStaff.mobile_*",
            ),
            "个保法 13(1)(3)；规则第三十一条",
        ),
        Rule(
            "former_owner",
            Period(years=3),
            "the last Ownership.ended_at of a person who owns no flat any more",
            ANONYMISE,
            ("roster.Owner.name_*", "roster.Owner.id_number_*", "roster.Owner.mobile_*"),
            "个保法 13(1)(3)、19、47；规则第二十八条",
        ),
        Rule(
            "roster_import",
            Period(days=30),
            "created_at",
            ANONYMISE,
            ("roster.ImportBatch.file", "roster.ImportBatch.rows_sealed"),
            "个保法 19",
        ),
        Rule(
            "verification",
            Period(years=3),
            "started_at",
            ANONYMISE,
            (
                "verification.Verification.name_*",
                "verification.Verification.id_number_*",
                "verification.Verification.mobile_*",
                "verification.Verification.provider_ref",
                "verification.Verification.provider_result",
                "verification.Verification.id_photo",
                "verification.Verification.holding_photo",
                "verification.Verification.checker_real_name",
                "verification.Verification.device_hash",
                "verification.Verification.client_ip",
            ),
            "个保法 13(1)(3)、19、28、29",
        ),
        Rule(
            "face_consent",
            Period(years=6),
            "decided_at",
            ANONYMISE,
            ("verification.FaceConsent.device_hash", "verification.FaceConsent.client_ip"),
            "个保法 14、29",
        ),
        Rule(
            "ended_binding",
            Period(years=3),
            "ended_at",
            ANONYMISE,
            ("bindings.Binding.device_hash", "bindings.Binding.client_ip"),
            "个保法 13(1)(3)；网安法 21",
        ),
        Rule(
            "notification",
            Period(years=1),
            "created_at",
            ANONYMISE,
            ("notify.Notification.body", "notify.OutboxMessage.body"),
            "个保法 19",
        ),
        Rule(
            "complaint",
            Period(years=3),
            "concluded_at",
            ANONYMISE,
            ("complaints.Complaint.name_*", "complaints.Complaint.mobile_*", "complaints.Complaint.text"),
            "个保法 13(1)(3)、19",
        ),
        Rule(
            "proxy",
            Period(years=3),
            "meeting.voting_closes_at (closed), else meeting.cancelled_at",
            ANONYMISE,
            (
                "voting.Proxy.name_*",
                "voting.Proxy.id_number_*",
                "voting.Proxy.mobile_*",
                "voting.Proxy.document",
                "voting.Proxy.device_hash",
                "voting.Proxy.client_ip",
                "voting.ProxyHolder.id_number_hash",
            ),
            "个保法 13(1)(3)、19；规则第二十条；网安法 21",
        ),
        Rule(
            "binding_objection",
            Period(years=3),
            "publication.ends_on (the day after), else publication.withdrawn_at; and decided_at",
            ANONYMISE,
            (
                "bindinglist.Objection.reason",
                "bindinglist.Objection.corrected_name_*",
                "bindinglist.Objection.corrected_mobile_*",
            ),
            "个保法 13(1)(3)、19",
        ),
        Rule(
            "result_objection",
            Period(years=3),
            "answer_by (the publicity's last day; the day after), answered_at, closed_at",
            ANONYMISE,
            ("objections.ResultObjection.text", "objections.ResultObjection.receipt"),
            "个保法 13(1)(3)、19",
        ),
        Rule(
            "signal",
            Period(years=3),
            "meeting's end, last_seen_at, reviewed_at (the latest)",
            ANONYMISE,
            ("trust.Signal.evidence",),
            "个保法 13(1)(3)、19；规则第二十八条",
        ),
    ]
}


def add_years(t: dt.datetime, years: int) -> dt.datetime:
    """``t`` moved by whole calendar years. 29 February has no day in a common year: the period then
    ends at the end of 28 February, that is 1 March 00:00 (Civil Code art. 202: the month's last day
    is the period's last day; art. 203: it ends at 24:00). At any other hour of 1 March it would
    let a record of 1 March 00:30 expire before one of 29 February 23:00."""
    year = t.year + years
    if t.month == 2 and t.day == 29 and not calendar.isleap(year):
        return t.replace(year=year, month=3, day=1, hour=0, minute=0, second=0, microsecond=0)
    return t.replace(year=year)


def expires_at(t: dt.datetime, period: Period) -> dt.datetime:
    """The moment a record of time ``t`` expires (it is expired from then on)."""
    return add_years(t, period.years) + dt.timedelta(days=period.days)


def cutoff(now: dt.datetime, period: Period) -> dt.datetime:
    """The latest ``t`` with ``expires_at(t) <= now``: the job takes the records with ``t <= cutoff``."""
    x = now - dt.timedelta(days=period.days)
    year = x.year - period.years
    if x.month == 2 and x.day == 29 and not calendar.isleap(year):
        # Every moment of 28 Feb of the common year expires by 28 Feb of x's year, before x;
        # none of 1 March does.
        return x.replace(year=year, day=28, hour=23, minute=59, second=59, microsecond=999999)
    return x.replace(year=year)
