"""The example plugin's hook implementations: one module per kind of extension, gathered
here so that pluggy registers them as one plugin."""

# Each module below holds the `@hookimpl` functions of one extension point.
from .emails import *  # noqa: F401,F403
from .events import *  # noqa: F401,F403
from .pages import *  # noqa: F401,F403
from .queues import *  # noqa: F401,F403
from .reports import *  # noqa: F401,F403
from .schedules import *  # noqa: F401,F403
from .settings import *  # noqa: F401,F403
from .urls import *  # noqa: F401,F403
