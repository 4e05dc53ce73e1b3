"""Every title a message carries outside the site (SMS, WeChat), in one place (issue 22 item 2).

The SMS provider's ``notice`` template reads "您有一条新消息：{title}。请进入业主大会投票平台查看。" and
takes at most ``services.SMS_TITLE_MAX`` (20) characters of title, so the whole text stays one
segment (70 characters in Chinese). A title here is that short by design: a fixed one is, and one
with a meeting's name (``%(name)s``) is filled by ``services.short_title``, which shortens the name at
a word's end and keeps what tells the meeting apart (year, 第N次, 临时/定期).
``tests/notify/test_sms_titles.py`` renders each one with the longest values the models allow, and
a call with ``sms=True`` anywhere in ``src`` must take its ``sms_title`` from here.
"""

from django.utils.translation import gettext_lazy as _

# --- meetings (to the estate's owners; ``estate`` given: their estate's name may go first) ------
MEETING_PUBLICISED = _("Meeting notice: %(name)s")
MEETING_CHANGED = _("Meeting changed: %(name)s")
MEETING_CANCELLED = _("Meeting cancelled: %(name)s")
# to the community residents' committee, who serve several estates: the estate's name stays
MEETING_INVITATION = _("Invitation to attend: %(name)s")

# --- voting ----------------------------------------------------------------------------------
VOTING_OPEN = _("Voting is open: %(name)s")
VOTING_REMINDER = _("Please vote: %(name)s")  # R-VOTE-2: the convener's reminder
PROXY_GRANTED = _("You are a proxy: %(name)s")
PROXY_REVOKED = _("Proxy revoked: %(name)s")
PROXY_CONFIRMED = _("Your proxy accepted: %(name)s")
VOTE_REMINDER = _("Remember to vote: %(name)s")
VOTING_EXTENDED = _("Voting extended: %(name)s")
COUNT_SESSION = _("Public count: %(name)s")

# --- results ---------------------------------------------------------------------------------
RESULT_PUBLICISED = _("Result publicised: %(name)s")
RESULT_CORRECTED = _("Result corrected: %(name)s")

# --- one's own matters (no meeting's name) ---------------------------------------------------
IDENTITY_VERIFIED = _("Your identity has been verified")
BINDING_ENDED = _("Your flat binding has ended")
OBJECTION_DECIDED = _("Your objection was checked")
BINDING_OBJECTION_DECIDED = _("An objection to your binding was checked")
OBJECTION_ANSWERED = _("Your objection was answered")
COMPLAINT_RECEIVED = _("Your complaint was received")
COMPLAINT_ACCEPTED = _("Your complaint was accepted")
COMPLAINT_REJECTED = _("Your complaint was not accepted")
COMPLAINT_EXTENDED = _("The time limit of your complaint was extended")
COMPLAINT_CONCLUDED = _("Your complaint was concluded")
ACCOUNT_LOCKED = _("Sign-in paused after wrong passwords")
ACCOUNT_CODE_ISSUED = _("Enrolment code issued")
ACCOUNT_SECOND_FACTOR_RESET = _("Two-step verification reset")
