"""Structured logs: one JSON object a line on stdout, for the city's log collection."""

import json
import logging
from datetime import UTC, datetime

# Fields of gunicorn's access log (its "atoms"). Client address and user agent are left out:
# personal data that the operation of the site does not need.
_ACCESS_FIELDS = {"m": "method", "U": "path", "q": "query", "s": "status", "B": "bytes", "M": "duration_ms"}


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
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
