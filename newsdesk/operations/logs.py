"""The console's log format: plain lines for people, or one JSON object a line for log collectors.

NEWSDESK_LOG_FORMAT picks it. settings.LOGGING names console_formatter as
the console's formatter factory; logging is configured after the settings
are read, so the choice can be made here rather than in settings.py.
"""

import json
import logging
from datetime import datetime, timezone

from django.core.exceptions import ImproperlyConfigured

from newsdesk import conf

# Attributes every LogRecord has: anything else came from `extra=` and is kept.
STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, the traceback, and `extra=` fields."""

    def format(self, record):
        data = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        for name, value in vars(record).items():
            if name not in STANDARD_ATTRIBUTES and not name.startswith("_"):
                data[name] = describe(value)
        return json.dumps(data, ensure_ascii=False, default=str)


def describe(value):
    """A value `extra=` passed, as JSON can carry it; Django's request becomes its method and path."""
    if hasattr(value, "method") and hasattr(value, "get_full_path"):
        return {"method": value.method, "path": value.get_full_path()}
    return value


def console_formatter(format=None):
    """The console's formatter, as NEWSDESK_LOG_FORMAT asks: 'plain' (the default) or 'json'."""
    kind = conf.get("NEWSDESK_LOG_FORMAT")
    if kind == "json":
        return JsonFormatter()
    if kind == "plain":
        return logging.Formatter(format)
    raise ImproperlyConfigured(f"NEWSDESK_LOG_FORMAT is {kind!r}: use plain or json.")
