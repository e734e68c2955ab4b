"""gunicorn settings of Directive Tracker: `gunicorn -c deploy/gunicorn.conf.py --bind HOST:PORT`.

Every number here is explained in docs/operations.md ("Web server"). The command line or
GUNICORN_CMD_ARGS (e.g. "--workers 4 --threads 8") override them; WEB_CONCURRENCY sets the
number of worker processes.
"""

import os

from tracker.config import load_settings

# Read and check the TRACKER_* settings in the master, so a bad one stops start-up at once.
_settings = load_settings()

wsgi_app = "wsgi:app"

# Threads, not sync workers: a slow client or a long CSV/XLSX export holds one thread, not a
# process; the worker's main loop keeps answering the master meanwhile.
worker_class = "api.serving.TrackerWorker"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = 4
# Connections one worker keeps open (in use or idle between keep-alive requests).
worker_connections = 200

# A worker whose main loop is stuck this long is killed and replaced (requests in threads do not
# count: exports may stream for minutes). A request must arrive within
# TRACKER_CLIENT_TIMEOUT_SECONDS (api/serving.py).
timeout = 30
# On a restart or shutdown, requests in flight get this long to finish.
graceful_timeout = 60
# An idle keep-alive connection is closed after this many seconds.
keepalive = 5

# The longest legitimate request line is about 2 KB (a 200-character Vietnamese search
# percent-encoded, plus filters); browsers and proxies send 10 to 30 headers.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# Recycle workers now and then (with jitter, not all at once) to bound slow memory growth. A new
# worker costs about 1.2 s of CPU (imports, app) plus a cold first request: at 5,000 requests a
# loaded worker was replaced every few seconds, so recycle rarely (about daily at office load).
max_requests = 50000
max_requests_jitter = 5000

# gunicorn 24+ opens a control socket at one path per user: not used, and it would collide.
control_socket_disable = True

# X-Forwarded-* are trusted from the local reverse proxy only.
forwarded_allow_ips = "127.0.0.1,::1"

# The application logs every request itself, with its request id and user: no access log.
accesslog = None
errorlog = "-"
if _settings.log_format == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "tracker.logs.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "WARNING", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }
