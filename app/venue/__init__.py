"""The embedded venue simulator: FIX acceptors with matching engines, market data and scripted faults."""
