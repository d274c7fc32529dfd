"""The app's routes, one module per area; each module exposes `routes`."""
