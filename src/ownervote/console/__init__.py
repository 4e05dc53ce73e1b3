"""The staff console's frame and its own pages: sign-in and the second factor, the home page,
registration, association applications and decisions, API tokens, an organisation owner's
authorised staff, and their JSON API (``/api/orgs/``). The pages parse, call ``orgs.services``
(the domain: models, services, scoping stay in ``orgs``) and render. Above ``roster`` and
``notify``: the pages pick estates and the frame shows the unread count."""
