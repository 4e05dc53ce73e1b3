"""Staff read their messages in the console (issue 22, item 5): the same notifications as the
owner's phone inbox (``notify``), in the console's layout and navigation, paged, newest first.

Opening a page marks the messages it shows read (as the owner's inbox does); "Mark all as read"
marks every unread one (``notify.services.mark_read``: one audit event, only the actor's own)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ownervote.notify import services as notify_services

PAGE_SIZE = 30


@never_cache
@login_required
@require_GET
def inbox(request):
    page = Paginator(notify_services.inbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    unread = {n.pk for n in page if n.read_at is None}
    response = render(
        request,
        "console/inbox.html",
        {
            "page": page,
            "unread": unread,
            "unread_elsewhere": notify_services.unread_count(request.user) - len(unread),
        },
    )
    if unread:
        notify_services.mark_read(actor=request.user, ids=unread)
    return response


@login_required
@require_POST
def inbox_read_all(request):
    count = notify_services.mark_read(actor=request.user)
    messages.success(
        request,
        ngettext("%(n)d message marked as read.", "%(n)d messages marked as read.", count) % {"n": count},
    )
    return redirect("console:inbox")
