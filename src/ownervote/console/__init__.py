"""The staff console's own pages (to be moved here from ``orgs``, see issue 16): sign-in and second
factor, home, registration, associations, staff and API tokens, and their JSON API. Above
``roster`` and ``notify``: the pages pick estates and show the unread count."""
