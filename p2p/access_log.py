"""gunicorn's access log without secrets: a calendar feed's URL is its only credential
(p2p/web/feeds.py), so it is masked wherever a log line could show it; credentials and the
member's date of birth are hidden in every header and environ atom a custom format might
print (`{authorization}i`, `{http_authorization}e`, `{set-cookie}o`, ...).

    gunicorn --logger-class p2p.access_log.AccessLogger ... wsgi:app   (as `make run` does)
"""

import re

from gunicorn.glogging import Logger

_FEED = re.compile(r"/calendar-feeds/[^/?#\s]+")
MASKED_FEED = "/calendar-feeds/[secret]"
_HIDDEN = ("authorization", "cookie", "member-dob", "member_dob")


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if name.startswith("{") and any(word in name for word in _HIDDEN):
                atoms[name] = "[hidden]"
            elif isinstance(value, str) and "/calendar-feeds/" in value:
                atoms[name] = _FEED.sub(MASKED_FEED, value)
        return atoms
