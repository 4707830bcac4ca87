"""Shared test helpers: fakes at the engine's edges and builders of venue reports."""
