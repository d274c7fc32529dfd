"""The project's tests; a package so that helpers import as `tests.<module>`."""
