"""The demo: a spoken sample recording for `make demo`."""
