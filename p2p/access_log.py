"""gunicorn's access log without secrets: a calendar feed's URL is its only credential
(p2p/web/feeds.py), so it is masked wherever a log line could show it, as is any
Authorization header a custom format might print.

    gunicorn --logger-class p2p.access_log.AccessLogger ... wsgi:app   (as `make run` does)
"""

import re

from gunicorn.glogging import Logger

_FEED = re.compile(r"/calendar-feeds/[^/?#\s]+")
MASKED_FEED = "/calendar-feeds/[secret]"
_HIDDEN_HEADERS = ("{authorization}i", "{cookie}i", "{x-member-dob}i")


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if isinstance(value, str) and "/calendar-feeds/" in value:
                atoms[name] = _FEED.sub(MASKED_FEED, value)
        for name in _HIDDEN_HEADERS:
            if name in atoms:
                atoms[name] = "[hidden]"
        return atoms
