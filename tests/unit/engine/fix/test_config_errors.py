"""A bad sessions file names the file, the line and each problem in plain words."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from app.engine.errors import ConfigError, ConfigProblem, OemsError
from app.engine.fix.config import load_config

BASE = dedent(
    """\
    [defaults]
    sender_comp_id = "OEMS"
    schedule = "non-stop"

    [[session]]
    name = "SIMA"
    role = "orders"
    host = "127.0.0.1"
    port = 19871
    target_comp_id = "SIMA"
    """
)
"""A valid file of 10 lines; each case below changes one of its lines or adds line 11."""

SECOND = dedent(
    """
    [[session]]
    name = "SIMB"
    role = "orders"
    host = "127.0.0.1"
    port = 19872
    target_comp_id = "SIMB"
    """
)
"""Lines 11 to 17 when added to BASE: a second session, header on line 12."""


def problems(tmp_path: Path, text: str) -> list[str]:
    """What ``load_config`` says about ``text``, one problem a line."""
    path = tmp_path / "sessions.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value).splitlines()


def changed(line: int, replacement: str) -> str:
    lines = BASE.splitlines()
    lines[line - 1 : line] = [replacement]  # line 11: added at the end
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("line", "replacement", "problem"),
    [
        (9, 'port = "99999"', 'port must be a whole number from 0 to 65535, not "99999"'),
        (9, "port = 99999", "port must be a whole number from 0 to 65535, not 99999"),
        (9, "port = -1", "port must be a whole number from 0 to 65535, not -1"),
        (9, "port = true", "port must be a whole number from 0 to 65535, not true"),
        (9, "port = 1.5", "port must be a whole number from 0 to 65535, not 1.5"),
        (11, "heartbeat_interval = 3601",
         "heartbeat_interval must be a whole number of seconds from 1 to 3600, not 3601"),
        (11, "logout_timeout = 0", "logout_timeout must be a whole number of seconds from 1 to 300, not 0"),
        (7, 'role = "order"',
         'role must be one of "orders", "drop_copy", "market_data", not "order"; did you mean "orders"?'),
        (6, 'name = "SIM A"', 'name must be up to 32 letters, digits, "-", "_" or ".", not "SIM A"'),
        (2, 'sender_comp_id = ""', 'sender_comp_id must be 1 to 64 printable characters without spaces, not ""'),
        (8, "host = ['a']", "host must be a host name or IP address, not a list"),
        (3, 'schedule = "always"', 'schedule must be "non-stop" or a table such as { start = "08:00", end = "17:00",'
         ' time_zone = "Europe/London" }, not "always"'),
        (3, 'schedule = { start = "25:00", end = "17:00" }',
         'schedule start must be a time written "HH:MM" or "HH:MM:SS" (24-hour), not "25:00"'),
        (3, 'schedule = { start = "08:00", end = "8pm" }',
         'schedule end must be a time written "HH:MM" or "HH:MM:SS" (24-hour), not "8pm"'),
        (3, 'schedule = { start = "08:00", end = "17:00", time_zone = "America/NewYork" }',
         'schedule time_zone "America/NewYork" is not a known time zone; did you mean "America/New_York"?'),
        (3, 'schedule = { start = "08:00", end = "17:00", time_zone = "Mars/Olympus" }',
         'schedule time_zone "Mars/Olympus" is not a known time zone'),
        (3, 'schedule = { start = "08:00", end = "08:00" }',
         'schedule start and end are both 08:00:00; a session that never closes has schedule = "non-stop"'),
        (3, 'schedule = { start = "08:00" }',
         'schedule needs both start and end, such as { start = "08:00", end = "17:00", time_zone = "Europe/London" }'),
        (3, 'schedule = { stat = "08:00", end = "17:00" }', 'unknown key "stat" in schedule; did you mean "start"?'),
        (3, 'schedule = { start = "08:00", end = "17:00", weekdays_only = "yes" }',
         'schedule weekdays_only must be true or false, not "yes"'),
        (11, 'reset_on_logon = "yes"', 'reset_on_logon must be true or false, not "yes"'),
        (11, 'begin_string = "FIX.4.2"', 'begin_string must be "FIX.4.4", not "FIX.4.2"'),
        (11, "hearbeat_interval = 5",
         'unknown key "hearbeat_interval" in session "SIMA"; did you mean "heartbeat_interval"?'),
        (2, 'sendr_comp_id = "OEMS"', 'unknown key "sendr_comp_id" in [defaults]; did you mean "sender_comp_id"?'),
        (11, "reconnect_min_delay = 40", "reconnect_max_delay (30) is shorter than reconnect_min_delay (40)"),
    ],
)  # fmt: skip
def test_bad_value_is_reported_on_its_line(tmp_path: Path, line: int, replacement: str, problem: str) -> None:
    said = problems(tmp_path, changed(line, replacement))
    assert said[:1] == [f"sessions.toml, line {line}: {problem}"]


@pytest.mark.parametrize(
    ("written", "line"),
    [
        ('\n[session.schedule]\nstart = "8am"\nend = "17:00"\n', 12),
        ('schedule.start = "8am"\nschedule.end = "17:00"\n', 11),
        ('"schedule" = { start = "8am", end = "17:00" }\n', 11),
    ],
)
def test_schedule_written_as_sub_table_or_dotted_keys_is_found(tmp_path: Path, written: str, line: int) -> None:
    assert problems(tmp_path, BASE + written) == [
        f'sessions.toml, line {line}: schedule start must be a time written "HH:MM" or "HH:MM:SS" (24-hour), not "8am"'
    ]


def test_missing_keys_are_reported_on_the_session_header(tmp_path: Path) -> None:
    without_port_and_target = "\n".join(BASE.splitlines()[:8]) + "\n"
    assert problems(tmp_path, without_port_and_target) == [
        'sessions.toml, line 5: session "SIMA" has no port or target_comp_id; set them here or in [defaults]'
    ]
    assert problems(tmp_path, "[[session]]\nport = 1\n") == [
        "sessions.toml, line 1: session number 1 has no name, role, host, sender_comp_id, target_comp_id or schedule;"
        " set them here or in [defaults]"
    ]


def test_every_problem_is_reported_in_line_order(tmp_path: Path) -> None:
    text = changed(9, "port = 70000").replace('role = "orders"', 'role = "buy"') + SECOND.replace("19872", "-1")
    said = problems(tmp_path, text)
    assert [entry.split(":")[0] for entry in said] == [
        "sessions.toml, line 7",
        "sessions.toml, line 9",
        "sessions.toml, line 16",
    ]


def test_error_carries_path_line_problem_and_all_problems(tmp_path: Path) -> None:
    path = tmp_path / "sessions.toml"
    path.write_text(changed(9, "port = 70000") + SECOND.replace("19872", "-1"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert isinstance(error, OemsError)
    assert (error.path, error.line) == (path, 9)
    assert error.problem == "port must be a whole number from 0 to 65535, not 70000"
    assert error.problems == (
        ConfigProblem(9, "port must be a whole number from 0 to 65535, not 70000"),
        ConfigProblem(16, "port must be a whole number from 0 to 65535, not -1"),
    )


def test_bad_default_is_reported_once_on_its_own_line(tmp_path: Path) -> None:
    text = changed(2, "sender_comp_id = 7") + SECOND
    assert problems(tmp_path, text) == [
        "sessions.toml, line 2: sender_comp_id must be 1 to 64 printable characters without spaces, not 7"
    ]


def test_inherited_value_that_clashes_is_reported_where_it_was_written(tmp_path: Path) -> None:
    text = changed(3, 'reconnect_max_delay = 1\nschedule = "non-stop"') + "reconnect_min_delay = 5\n"
    assert problems(tmp_path, text) == [
        "sessions.toml, line 12: reconnect_max_delay (1) is shorter than reconnect_min_delay (5)"
    ]


def test_clash_between_defaults_is_reported_in_defaults(tmp_path: Path) -> None:
    assert problems(tmp_path, changed(3, 'schedule = "non-stop"\nreconnect_min_delay = 40')) == [
        "sessions.toml, line 4: reconnect_max_delay (30) is shorter than reconnect_min_delay (40)"
    ]


def test_session_that_overrides_a_bad_default_is_still_checked(tmp_path: Path) -> None:
    text = changed(2, "sender_comp_id = 7") + 'sender_comp_id = "A"\n' + SECOND + 'sender_comp_id = "A"\n'
    assert problems(tmp_path, text.replace('"SIMB"', '"SIMA"')) == [
        "sessions.toml, line 2: sender_comp_id must be 1 to 64 printable characters without spaces, not 7",
        'sessions.toml, line 14: session name "SIMA" is already used on line 6; each needs its own',
        'sessions.toml, line 18: session "SIMA" has the same sender_comp_id "A" and target_comp_id "SIMA" as'
        ' session "SIMA"; each session needs a pair of its own',
    ]


def test_name_cannot_be_a_default(tmp_path: Path) -> None:
    assert problems(tmp_path, changed(2, 'sender_comp_id = "OEMS"\nname = "X"')) == [
        "sessions.toml, line 3: name cannot go in [defaults]: each session needs a name of its own"
    ]


def test_duplicate_name_and_comp_id_pair_name_both_lines(tmp_path: Path) -> None:
    assert problems(tmp_path, BASE + SECOND.replace('"SIMB"', '"SIMA"', 1)) == [
        'sessions.toml, line 13: session name "SIMA" is already used on line 6; each needs its own'
    ]
    assert problems(tmp_path, BASE + SECOND.replace('target_comp_id = "SIMB"', 'target_comp_id = "SIMA"')) == [
        'sessions.toml, line 17: session "SIMB" has the same sender_comp_id "OEMS" and target_comp_id "SIMA" as'
        ' session "SIMA"; each session needs a pair of its own'
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[defaults]\n", "sessions.toml: the file defines no sessions: add a [[session]] table for each FIX session"),
        (BASE + "[session]\n",
         "sessions.toml, line 11: the file is not valid TOML: a table is declared twice (column 9)"),
        (BASE.replace("[[session]]", "[session]"),
         "sessions.toml, line 5: write [[session]] (two pairs of brackets) for each session"),
        ("defaults = 3\n" + BASE.replace("[defaults]\n", ""),
         "sessions.toml, line 1: defaults must be a table: write [defaults] on a line of its own"),
        ("sessions = 1\n" + BASE,
         'sessions.toml, line 1: unknown key "sessions" at the top level; did you mean "session"?'),
        (BASE + "[sesion]\n", 'sessions.toml, line 11: unknown key "sesion" at the top level; did you mean "session"?'),
    ],
)  # fmt: skip
def test_wrong_file_shape_is_explained(tmp_path: Path, text: str, said: str) -> None:
    assert problems(tmp_path, text)[0] == said


@pytest.mark.parametrize(
    ("line", "replacement", "problem"),
    [
        (8, "host = localhost", 'a value is missing or malformed; text goes in double quotes, like host = "127.0.0.1"'
         " (column 8)"),
        (8, "host = 127.0.0.1", "there is more after the value; put each key = value on its own line (column 13)"),
        (9, "port = 19871 19872", "there is more after the value; put each key = value on its own line (column 14)"),
        (6, 'name = "SIMA', "a string has no closing quote on its line (column 13)"),
        (6, 'name "SIMA"', "a key is not followed by '=' (column 6)"),
        (8, 'role = "orders"', "a key is set twice in the same table (column 16)"),
        (5, "[[session]", "a [[table]] header has no closing ']]' (column 10)"),
        (3, 'schedule = { start = "08:00",\nend = "17:00" }',
         "a key is expected here; an inline table { ... } must be on one line, with no comma before the } (column 30)"),
    ],
)  # fmt: skip
def test_toml_syntax_error_is_restated_on_its_line(tmp_path: Path, line: int, replacement: str, problem: str) -> None:
    assert problems(tmp_path, changed(line, replacement)) == [
        f"sessions.toml, line {line}: the file is not valid TOML: {problem}"
    ]


def test_syntax_error_at_the_end_names_the_last_line(tmp_path: Path) -> None:
    assert problems(tmp_path, BASE + "host = ") == [
        "sessions.toml, line 11: the file is not valid TOML: a value is missing or malformed; text goes in double"
        ' quotes, like host = "127.0.0.1"'
    ]


def test_missing_unreadable_or_non_utf8_file_is_a_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError, match=rf"^nowhere.toml: the file does not exist \(looked for {missing}\)$"):
        load_config(missing)
    folder = tmp_path / "sessions.d"
    folder.mkdir()
    with pytest.raises(ConfigError, match=r"^sessions.d: the file cannot be read: \w"):
        load_config(folder)
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(BASE.encode() + b"# caf\xe9\n")
    with pytest.raises(ConfigError, match=r"^latin1.toml, line 11: the file is not UTF-8 text; save it as UTF-8$"):
        load_config(latin1)
