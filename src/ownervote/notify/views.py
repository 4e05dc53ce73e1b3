from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from ownervote.identity.decorators import owner_login_required

from .models import Notification


@owner_login_required
def inbox(request):
    """The owner's messages, newest first; opening the page marks them read."""
    rows = Notification.objects.filter(user=request.user)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    unread = [n.pk for n in page if n.read_at is None]
    response = render(request, "notify/inbox.html", {"page": page, "unread": set(unread), "owner_tab": "inbox"})
    Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return response
