from django.core.paginator import Paginator
from django.shortcuts import render

from ownervote.identity.decorators import owner_login_required

from . import services


@owner_login_required
def inbox(request):
    """The owner's messages, newest first; opening the page marks the ones shown read."""
    page = Paginator(services.inbox_for(request.user), 30).get_page(request.GET.get("page"))
    unread = {n.pk for n in page if n.read_at is None}
    response = render(request, "notify/inbox.html", {"page": page, "unread": unread, "owner_tab": "inbox"})
    if unread:
        services.mark_read(actor=request.user, ids=unread)
    return response
