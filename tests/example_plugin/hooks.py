"""The example plugin's hook implementations: one module per kind of extension, gathered
here so that pluggy registers them as one plugin."""

# Each module below holds the `@hookimpl` functions of one extension point.
