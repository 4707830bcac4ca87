"""Which venues list which symbols, so an order is not sent where its symbol does not trade.

The desk learns a venue's listings from where it comes from: the embedded simulator's venue profiles (see
``Runtime.listings``). A venue whose listings the desk does not know is never said not to list a symbol: only a
known list can say no. The venues keep the order they were given (the configured order), so the first that lists
a symbol is its default destination.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class VenueListings:
    """The symbols each venue lists, for the venues whose lists the desk knows."""

    def __init__(self, listed: Mapping[str, Iterable[str]] | None = None) -> None:
        self._listed = {venue: frozenset(symbols) for venue, symbols in (listed or {}).items()}

    def lists(self, venue: str, symbol: str) -> bool | None:
        """Whether ``venue`` lists ``symbol``; None when the desk does not know what it lists."""
        listed = self._listed.get(venue)
        return None if listed is None else symbol in listed

    def venues_for(self, symbol: str) -> list[str]:
        """The venues known to list ``symbol``, in the order given."""
        return [venue for venue, listed in self._listed.items() if symbol in listed]

    def not_listed(self, venue: str, symbol: str) -> str | None:
        """Why ``symbol`` should not go to ``venue`` in words (naming the venues that do list it), or None when
        ``venue`` lists it or the desk does not know what it lists."""
        if not symbol or self.lists(venue, symbol) is not False:
            return None
        others = self.venues_for(symbol)
        where = f"{', '.join(others)} list{'s' if len(others) == 1 else ''} it" if others else "no venue here does"
        return f"{venue} does not list {symbol} ({where})."
