"""The headless engine: orders, risk, the event store, FIX sessions, positions. It never imports Qt."""
