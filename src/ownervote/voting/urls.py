"""Voting pages: the owner's ballot and receipt (``views.owner``), proxies (``views.proxies``), the
convener's progress, reminders and extensions (``views.progress``), paper count sessions and
printable ballots (``views.paper``)."""

from .views import owner, paper, progress, proxies

app_name = "voting"

urlpatterns = owner.urlpatterns + proxies.urlpatterns + progress.urlpatterns + paper.urlpatterns
