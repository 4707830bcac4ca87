"""The ``--hours`` option of the simulator's command lines (``python -m app.venue`` and ``python -m app``).

``--hours VENUE:HH:MM-HH:MM[@ZONE]`` makes one simulated venue keep hours: it takes new orders and replaces only
from the open to the close of a trading day (weekdays, not its holidays), in ZONE's wall-clock time (an IANA
name such as ``America/New_York``; without one, the venue's own zone, New York), and its DAY orders expire at
that close. ``--hours SIMB:09:30-16:00@America/New_York --hours SIMC:08:00-12:00`` gives two venues hours; a
venue not named stays non-stop, as the demo's are. A mistake is refused before anything starts, said with the
option and its value and which part is wrong (the venue, the open, the close, the zone), exit status 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from collections.abc import Mapping
from datetime import time
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.venue.errors import VenueOptionError
from app.venue.profiles import DEFAULT_PROFILES, VenueProfile

EXAMPLE: Final = "SIMB:09:30-16:00@America/New_York"
"""What a well-formed ``--hours`` value looks like, for help and errors."""
_CLOCK: Final = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


def add_hours_option(parser: argparse.ArgumentParser) -> None:
    """``--hours VENUE:HH:MM-HH:MM[@ZONE]``, repeatable, shared with the desktop's command line."""
    parser.add_argument(
        "--hours",
        action="append",
        default=[],
        metavar="VENUE:HH:MM-HH:MM[@ZONE]",
        help=f"VENUE takes orders only from the open to the close of a trading day (e.g. {EXAMPLE}); "
        "without it, a venue trades at any hour",
    )


def read_hours(
    args: argparse.Namespace, profiles: Mapping[str, VenueProfile] = DEFAULT_PROFILES
) -> dict[str, VenueProfile]:
    """``profiles`` with the hours the command line gives each venue it names; ``VenueOptionError`` lists every
    mistake, each with its option and value."""
    problems: list[str] = []
    kept = dict(profiles)
    named: set[str] = set()
    for value in args.hours:
        try:
            venue, profile = venue_hours(value, profiles)
        except ValueError as problem:
            problems.append(f"--hours {value}: {problem}")
            continue
        if venue in named:
            problems.append(f"--hours {value}: {venue}'s hours are given twice; give them once")
        named.add(venue)
        kept[venue] = profile
    if problems:
        raise VenueOptionError(problems)
    return kept


def venue_hours(value: str, profiles: Mapping[str, VenueProfile]) -> tuple[str, VenueProfile]:
    """The venue ``VENUE:HH:MM-HH:MM[@ZONE]`` names and its profile keeping those hours; ``ValueError`` saying
    which part is wrong."""
    venue, colon, rest = value.partition(":")
    span, _, zone_name = rest.partition("@")
    opens, dash, closes = span.partition("-")
    if not colon or not dash:
        raise ValueError(f"give VENUE:HH:MM-HH:MM, optionally @ZONE, as in {EXAMPLE}")
    profile = profiles.get(venue)
    if profile is None:
        raise ValueError(f"there is no simulated venue {venue or '(none named)'}; the venues are {', '.join(profiles)}")
    open_at, close_at = _clock(opens, "opening"), _clock(closes, "closing")
    if open_at >= close_at:
        raise ValueError(
            f"the venue must open before it closes, and {opens} is not before {closes} (hours across midnight "
            "are not simulated)"
        )
    return venue, dataclasses.replace(profile, open=open_at, close=close_at, zone=_zone(zone_name, profile.zone))


def refuse_hours(problem: VenueOptionError) -> int:
    """Say every mistake in the ``--hours`` options on standard error; the exit code for it."""
    for each in problem.problems:
        print(each, file=sys.stderr)
    print(f"The venue hours were refused ({len(problem.problems)} problem(s)); nothing was started.", file=sys.stderr)
    return 2


def hours_words(profile: VenueProfile) -> str:
    """The venue's hours for a person: ``09:30-16:00 America/New_York``, or ``non-stop``."""
    if profile.open is None or profile.close is None:
        return "non-stop"
    return f"{profile.open:%H:%M}-{profile.close:%H:%M} {profile.zone.key}"


def _clock(text: str, which: str) -> time:
    found = _CLOCK.fullmatch(text)
    if found is None:
        raise ValueError(f"the {which} time {text!r} is not HH:MM on a 24-hour clock, as in 09:30 or 16:00")
    return time(int(found.group(1)), int(found.group(2)))


def _zone(name: str, default: ZoneInfo) -> ZoneInfo:
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"there is no time zone {name!r}; name one the IANA way, as in America/New_York or Europe/London"
        ) from None
