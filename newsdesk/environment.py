"""Reading configuration from environment variables: one parser for settings.py and conf.py.

Each reader takes the variable's name, a default for when it is unset or
empty, and optionally older names still accepted for it. A value that
cannot be read raises ImproperlyConfigured naming the variable and the
value, so a typo stops the process at start-up with a sentence the
operator can act on, not a traceback from deep inside a request later.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def raw(name, aliases=(), environ=None):
    """The value of `name`, else of the first alias set; None when none is set (empty counts as unset).

    When the name and an alias are both set to different values, which one
    was meant cannot be guessed: that is refused.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(name) or None
    for alias in aliases:
        other = environ.get(alias) or None
        if other is None:
            continue
        if value is None:
            value = other
        elif other != value:
            raise ImproperlyConfigured(f"{name} and {alias} are both set, to different values; set only {name}.")
    return value


def parse_bool(value, name="a yes/no setting"):
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1, true, yes, on, 0, false, no, off; got {value!r}")


def parse_int(value, name="a whole-number setting"):
    try:
        return int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


def parse_float(value, name="a number setting"):
    try:
        return float(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from None


def parse_list(value, name=None):
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_path(value, name="a folder setting"):
    """An absolute path: a relative one would depend on the folder a command happens to run from."""
    path = Path(value).expanduser()
    if not path.is_absolute():
        raise ImproperlyConfigured(f"{name} must be an absolute path, got {value!r}")
    return path


def parse_like(default, value, name):
    """Parse `value` as the type of `default` (bool, int, float, list or tuple, else text)."""
    if isinstance(default, bool):
        return parse_bool(value, name)
    if isinstance(default, int):
        return parse_int(value, name)
    if isinstance(default, float):
        return parse_float(value, name)
    if isinstance(default, (list, tuple)):
        return type(default)(parse_list(value, name))
    return value


def _reader(parse):
    def read(name, default, aliases=(), environ=None):
        value = raw(name, aliases, environ)
        return default if value is None else parse(value, name)

    read.__doc__ = f"The variable `name` read with {parse.__name__}, or `default` when unset."
    return read


env_str = _reader(lambda value, name: value)
env_bool = _reader(parse_bool)
env_int = _reader(parse_int)
env_float = _reader(parse_float)
env_list = _reader(parse_list)
env_path = _reader(parse_path)


def default_data_dir():
    """Where a site keeps its data when NEWSDESK_DATA_DIR is not given, whatever the current folder.

    In a source checkout (where `make run` runs) it is the checkout's var/;
    an installed package has no such folder, so its data goes to the user's
    data folder ($XDG_DATA_HOME/newsdesk, else ~/.local/share/newsdesk).
    """
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file():
        return checkout / "var"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "newsdesk"
