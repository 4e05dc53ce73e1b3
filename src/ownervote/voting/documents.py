"""The written proxy (授权委托书, art. 20, R-VOTE-6) as a PDF: the instrument between the owner and
the proxy, with both full names, their ID numbers masked but for the last four characters, the
flats, the meeting, the matters, the authority, the term, the date and a QR code that opens the
proxy's page on the platform. HTML + print CSS rendered by WeasyPrint with the embedded Noto Sans
CJK SC font, as the meeting notice and the binding list are."""

from __future__ import annotations

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ownervote.bindinglist.documents import PDF, page_counter_css
from ownervote.core import crypto

__all__ = ["PDF", "last_four", "proxy_html", "proxy_pdf", "proxy_url"]


def last_four(id_number: str) -> str:
    """An ID number with every character but the last four hidden."""
    id_number = (id_number or "").strip()
    return "*" * max(0, len(id_number) - 4) + id_number[-4:]


def proxy_url(proxy_id: int) -> str:
    """The absolute address of the proxy's page (its QR code)."""
    try:
        path = reverse("voting:proxy", args=[proxy_id])
    except NoReverseMatch:  # pages not mounted: the site's root
        path = "/"
    return settings.OWNERVOTE_PUBLIC_URL.rstrip("/") + path


def _qr_svg(url: str, title: str) -> str:
    svg = segno.make(url, error="q").svg_inline(
        scale=1, border=4, omitsize=True, title=title, dark="#000", light="#fff"
    )
    return mark_safe(svg)  # noqa: S308 - segno's output from our own URL; it escapes the title


def proxy_html(proxy, *, grantor_name: str, flats, meeting) -> str:
    """The HTML the PDF is made from (its only text source). ``proxy`` is saved and sealed;
    ``grantor_name`` is the owner's name in full."""
    identity_of_owner = crypto.decrypt_text(proxy.owner.id_number_enc) if proxy.owner.id_number_enc else ""
    url = proxy_url(proxy.pk)
    title = _("Written proxy")
    return render_to_string(
        "voting/proxies/proxy_pdf.html",
        {
            "doc_title": title,
            "proxy": proxy,
            "meeting": meeting,
            "estate": meeting.estate,
            "grantor_name": grantor_name,
            "grantor_id": last_four(identity_of_owner),
            "proxy_name": crypto.decrypt_text(proxy.name_enc),
            "proxy_id": last_four(crypto.decrypt_text(proxy.id_number_enc)),
            "proxy_mobile": proxy.mobile_masked,
            "flats": [f"{f.building.name}-{f.room}" for f in flats],
            "opens": timezone.localtime(meeting.voting_opens_at).strftime("%Y-%m-%d %H:%M"),
            "closes": timezone.localtime(meeting.voting_closes_at).strftime("%Y-%m-%d %H:%M"),
            "signed_on": timezone.localdate().isoformat(),
            "qr_svg": _qr_svg(url, _("QR code: the proxy on the platform")),
            "qr_url": url,
            "page_counter": page_counter_css(),
            "generated_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        },
    )


def proxy_pdf(proxy, *, grantor_name: str, flats, meeting) -> bytes:
    from weasyprint import HTML  # Imported here: a heavy library, loaded when a proxy is first printed

    html = proxy_html(proxy, grantor_name=grantor_name, flats=flats, meeting=meeting)
    return HTML(string=html, base_url=settings.OWNERVOTE_PUBLIC_URL).write_pdf()
