"""The FIX sessions file: which sessions the desktop runs and how each behaves, read from TOML.

Layout: an optional ``[defaults]`` table whose keys every session inherits unless it sets its own (like
QuickFIX's ``[DEFAULT]``), then one ``[[session]]`` table per session::

    [defaults]
    host = "127.0.0.1"
    sender_comp_id = "OEMS"
    schedule = "non-stop"

    [[session]]
    name = "SIMA"               # unique: the destination orders name
    role = "orders"             # orders | drop_copy | market_data
    port = 19871
    target_comp_id = "SIMA"

    [[session]]
    name = "NYFX"
    role = "orders"
    host = "fix.example.com"
    port = 9880
    target_comp_id = "BROKER"
    schedule = { start = "17:00", end = "16:00", time_zone = "America/New_York", weekdays_only = true }

Every session needs ``name``, ``role``, ``host``, ``port`` (1-65535, or 0 for "any free port": the embedded
simulator then listens where the system says and the desk follows it; no real venue listens on 0),
``sender_comp_id``, ``target_comp_id`` and ``schedule``: ``"non-stop"`` or a table with ``start`` and ``end``
(``"HH:MM"`` or ``"HH:MM:SS"``, crossing midnight when end <= start), ``time_zone`` (IANA name, default ``"UTC"``)
and ``weekdays_only`` (default false); see app/engine/fix/schedule.py. Optional, in whole seconds:
``heartbeat_interval`` (1-3600, default 30), ``max_resend_age`` (default 60: on a ResendRequest, orders younger than
this are sent again, older ones and all admin messages are gap-filled), ``logon_timeout`` (10), ``logout_timeout``
(2), ``reconnect_min_delay`` (1) and ``reconnect_max_delay`` (30) for the reconnect backoff, ``max_clock_skew``
(120, how far SendingTime may be off). Flags: ``reset_on_logon`` (default false) and ``daily_reset`` (default true:
reset sequence numbers at the schedule's start; nothing to do for a non-stop session) and ``mass_cancel`` (default
false: the venue takes OrderMassCancelRequest (35=q), so the kill switch cancels everything there with one message
instead of one cancel per order) and ``mass_status`` (default false: the venue answers OrderMassStatusRequest
(35=AF), so after a logon one message asks where every live order stands instead of one OrderStatusRequest (35=H)
per order).
``begin_string`` may be given but must be ``"FIX.4.4"``. A drop copy session may name the order session whose
fills it copies as ``venue`` (default: its own name without a ``-DC`` suffix).

``load_config`` returns every session or raises ``ConfigError`` listing every problem found, each with the
file, the line and what is wrong in plain words.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

from app.engine.errors import ConfigError, ConfigProblem
from app.engine.fix import config_values as read
from app.engine.fix.config_tables import SessionRules, read_sessions
from app.engine.fix.message import DEFAULT_BEGIN_STRING
from app.engine.fix.schedule import SessionSchedule


class SessionRole(StrEnum):
    """What a FIX session carries."""

    ORDERS = "orders"
    """Orders out to a venue and their executions back; its name is the destination orders use."""
    DROP_COPY = "drop_copy"
    """Copies of executions done elsewhere, read only."""
    MARKET_DATA = "market_data"
    """Quotes and trades."""


@dataclass(frozen=True, kw_only=True)
class SessionConfig:
    """One FIX session as configured; times are whole seconds."""

    name: str
    """Unique among the sessions; for an order session, the destination name orders use."""
    role: SessionRole
    host: str
    port: int
    sender_comp_id: str
    """SenderCompID (49) we send."""
    target_comp_id: str
    """TargetCompID (56) we send."""
    schedule: SessionSchedule
    heartbeat_interval: int = 30
    """HeartBtInt (108) we ask for at logon."""
    reset_on_logon: bool = False
    """Start both sequence numbers at 1 on every logon (141=Y)."""
    daily_reset: bool = True
    """Start sequence numbers at 1 on the first logon of each scheduled session."""
    mass_cancel: bool = False
    """The venue takes OrderMassCancelRequest (35=q); otherwise the kill switch sends one cancel per order."""
    mass_status: bool = False
    """The venue answers OrderMassStatusRequest (35=AF); otherwise each live order gets its own 35=H after a logon."""
    max_resend_age: int = 60
    """Orders older than this are gap-filled, not sent again, when the counterparty asks for a resend."""
    logon_timeout: int = 10
    logout_timeout: int = 2
    reconnect_min_delay: int = 1
    """First wait before reconnecting; doubles on each failure up to ``reconnect_max_delay``."""
    reconnect_max_delay: int = 30
    max_clock_skew: int = 120
    """How far a received SendingTime (52) may be from our clock before the message is rejected."""
    begin_string: str = DEFAULT_BEGIN_STRING
    venue: str = ""
    """For a drop copy session: the order session whose fills it copies (by default its name without "-DC")."""

    @property
    def copied_venue(self) -> str:
        """The order session a drop copy session checks."""
        return self.venue or self.name.removesuffix(DROP_COPY_SUFFIX)

    def __post_init__(self) -> None:
        if self.reconnect_max_delay < self.reconnect_min_delay:
            raise read.ConfigValueError(
                f"reconnect_max_delay ({self.reconnect_max_delay}) is shorter than reconnect_min_delay"
                f" ({self.reconnect_min_delay})",
                "reconnect_max_delay",
                "reconnect_min_delay",
            )


DROP_COPY_SUFFIX: Final = "-DC"
"""A drop copy session named ``<venue>-DC`` copies order session ``<venue>`` unless it names its ``venue``."""

REQUIRED_KEYS: Final = tuple(f.name for f in dataclasses.fields(SessionConfig) if f.default is dataclasses.MISSING)
"""Keys every session must have, itself or from ``[defaults]``."""

_COMP_ID: Final = "1 to 64 printable characters without spaces"
_NAME: Final = read.matching(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}", 'up to 32 letters, digits, "-", "_" or "."')
_READERS: Final[dict[str, read.Reader[object]]] = {
    "name": _NAME,
    "role": read.one_of(SessionRole),
    "host": read.matching(r"\S{1,253}", "a host name or IP address"),
    "port": read.whole_number(0, 65535),
    "sender_comp_id": read.matching(r"[!-~]{1,64}", _COMP_ID),
    "target_comp_id": read.matching(r"[!-~]{1,64}", _COMP_ID),
    "schedule": read.schedule,
    "heartbeat_interval": read.whole_number(1, 3600, " of seconds"),
    "reset_on_logon": read.flag,
    "daily_reset": read.flag,
    "mass_cancel": read.flag,
    "mass_status": read.flag,
    "max_resend_age": read.whole_number(0, 86400, " of seconds"),
    "logon_timeout": read.whole_number(1, 300, " of seconds"),
    "logout_timeout": read.whole_number(1, 300, " of seconds"),
    "reconnect_min_delay": read.whole_number(1, 3600, " of seconds"),
    "reconnect_max_delay": read.whole_number(1, 3600, " of seconds"),
    "max_clock_skew": read.whole_number(1, 86400, " of seconds"),
    "begin_string": read.matching(re.escape(DEFAULT_BEGIN_STRING), f'"{DEFAULT_BEGIN_STRING}"'),
    "venue": _NAME,
}
"""How to check and convert each key of a session, by name (the ``SessionConfig`` field it sets)."""


def _build(values: dict[str, object]) -> SessionConfig:
    return SessionConfig(**values)  # type: ignore[arg-type]  # each value was checked by its reader


_RULES: Final = SessionRules(_READERS, REQUIRED_KEYS, _build)


def default_config_path() -> Path:
    """The sessions file shipped with the program: the embedded simulator's venues."""
    return Path(__file__).resolve().parents[3] / "resources" / "sessions.toml"


def load_config(path: Path) -> tuple[SessionConfig, ...]:
    """Read the sessions file at ``path``; raise ``ConfigError`` naming every problem found in it."""
    text = read_text(path)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, [syntax_problem(str(error), text)]) from None
    sessions, problems = read_sessions(document, text, _RULES)
    if problems:
        raise ConfigError(path, problems)
    return tuple(sessions)


def read_text(path: Path) -> str:
    """The text of a configuration file; ``ConfigError`` when it is missing, unreadable or not UTF-8."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, [ConfigProblem(None, f"the file does not exist (looked for {path})")]) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise ConfigError(path, [ConfigProblem(None, f"the file cannot be read: {reason}")]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problem = ConfigProblem(line, "the file is not UTF-8 text; save it as UTF-8")
        raise ConfigError(path, [problem]) from None


_TOML_POSITION: Final = re.compile(r"(.*) \(at (?:line (\d+), column (\d+)|end of document)\)", re.DOTALL)
_PLAIN_TOML: Final = {
    "Invalid value": 'a value is missing or malformed; text goes in double quotes, like host = "127.0.0.1"',
    "Cannot overwrite a value": "a key is set twice in the same table",
    "Cannot declare": "a table is declared twice",
    "Unterminated string": "a string has no closing quote",
    "Illegal character '\\n'": "a string has no closing quote on its line",
    "Invalid initial character for a key part": (
        "a key is expected here; an inline table { ... } must be on one line, with no comma before the }"
    ),
    "Expected '=' after a key": "a key is not followed by '='",
    "Invalid statement": "this line is neither key = value nor a [table] header",
    "Expected newline or end of document": "there is more after the value; put each key = value on its own line",
    "Unclosed inline table": "an inline table { ... } is not closed on the same line",
    "Unclosed array": "a list [ ... ] is not closed",
    "Expected ']' at the end of a table": "a [table] header has no closing ']'",
    "Expected ']]' at the end of an array": "a [[table]] header has no closing ']]'",
}


def syntax_problem(message: str, text: str) -> ConfigProblem:
    """Restate a tomllib error (``Invalid value (at line 3, column 8)``) as a problem on its line."""
    found = _TOML_POSITION.fullmatch(message)
    if found is None:
        return ConfigProblem(None, f"the file is not valid TOML: {message}")
    what, line, column = found.groups()
    plain = next((words for start, words in _PLAIN_TOML.items() if what.startswith(start)), what[:1].lower() + what[1:])
    if line is None:  # at the end of the document: the last line with something on it
        return ConfigProblem(max(1, len(text.rstrip().splitlines())), f"the file is not valid TOML: {plain}")
    return ConfigProblem(int(line), f"the file is not valid TOML: {plain} (column {column})")
