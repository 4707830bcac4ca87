"""Trader desktop OEMS: the engine (``app.engine``), the venue simulator (``app.venue``), the GUI."""
