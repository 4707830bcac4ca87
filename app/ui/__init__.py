"""The PySide6 desktop: views over the engine's projections, talking to it through commands only."""
