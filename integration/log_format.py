"""Structured logs: one JSON object a line on stdout, for the city's log collection.

Who did something (user name, client address) is logged as the operator configures it with
SECURITY_LOG_IDENTITIES: ``hashed`` (default) writes a keyed hash that stays the same for the same
value, so that incident response can follow one address or account through the logs and find it
with ``manage.py log_identity WERT``; ``plain`` writes the values themselves.
"""

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime

from gunicorn.glogging import Logger as GunicornLogger

# Fields of gunicorn's access log (its "atoms"); "client" is added by AccessLogger below.
_ACCESS_FIELDS = {
    "client": "client",
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
}


def log_identity(value: str | None) -> str | None:
    """A user name or address as SECURITY_LOG_IDENTITIES says: itself, or „h:“ and a keyed hash."""
    from django.conf import settings

    if value is None or value == "":
        return value
    if settings.SECURITY_LOG_IDENTITIES == "plain":
        return value
    digest = hmac.new(settings.SECRET_KEY.encode(), str(value).encode(), hashlib.sha256).hexdigest()
    return f"h:{digest[:16]}"


class AccessLogger(GunicornLogger):
    """gunicorn's logger with the client's address behind the proxy as the atom ``client``."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        try:
            from integration.client_address import client_address_from_meta

            atoms["client"] = log_identity(client_address_from_meta(environ)) or "-"
        except Exception:  # a log line must never break a response
            atoms["client"] = "-"
        return atoms


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry["message"] = "request"
            entry.update({name: record.args.get(atom) for atom, name in _ACCESS_FIELDS.items()})
        else:
            entry["message"] = record.getMessage()
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            entry["status"] = status_code
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = request.path
        security = getattr(record, "security", None)
        if isinstance(security, dict):
            entry.update(security)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
