"""gunicorn's settings for the P2P scheduler. gunicorn reads this file when started from
the project's folder (`gunicorn wsgi:app`, as a deployment does); flags given on the
command line win over it. What it makes safe by default is in p2p/serving.py."""

import os

from p2p import serving

serving.install()

bind = os.environ.get("P2P_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
logger_class = "p2p.serving.AccessLogger"
accesslog = "-"
errorlog = "-"
# Requests: a line of at most 4 KB, 50 headers of at most 8 KB each (ours are small; a
# longer one is refused in API.md's error shape). Bodies are bounded by the app (1 MB).
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
timeout = 30
graceful_timeout = 20
keepalive = 5
