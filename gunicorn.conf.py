"""Gunicorn settings for `make serve` and for production (see docs/betrieb.md).

Read from the environment: GUNICORN_BIND (address, default 127.0.0.1:8000), WEB_CONCURRENCY
(worker processes, default 2 × cores + 1), DJANGO_LOG_FORMAT (json or text, default json).
"""

import multiprocessing
import os

wsgi_app = "integration.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = 30
graceful_timeout = 30
# Recycle workers now and then, so that a slow leak can never take a server down. Not too
# often: a new worker loads Django again (about 0.6 s of CPU); at 2,000 requests each of
# 5 workers was replaced every half minute under load.
max_requests = 10000
max_requests_jitter = 1000
# No control socket (gunicornc): unused here, and several masters on one host would share its path.
control_socket_disable = True
# The access log names the client behind the proxy (integration.client_address), hashed or plain
# as SECURITY_LOG_IDENTITIES says.
logger_class = "integration.log_format.AccessLogger"

if os.environ.get("DJANGO_LOG_FORMAT", "json") == "json":
    # Server and access log as JSON lines on stdout, like the application's own log.
    logconfig_dict = {
        "formatters": {"json": {"()": "integration.log_format.JsonFormatter"}},
        "handlers": {
            "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"},
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        },
        "root": {"handlers": ["stdout"], "level": "INFO"},
    }
else:
    accesslog = "-"
    access_log_format = '%(client)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
