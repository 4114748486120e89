"""Hook implementations of the rating plugin (see cms/kernel/hookspecs.py for the contracts)."""

from .admin_views import *  # noqa: F401,F403
from .closing import *  # noqa: F401,F403
from .emails import email_sections  # noqa: F401
from .events import event_kinds  # noqa: F401
from .generator import messages_generated  # noqa: F401
from .panels import appeal_public_panels  # noqa: F401
from .queues import *  # noqa: F401,F403
from .regionconfig import region_config_files  # noqa: F401
from .reports import *  # noqa: F401,F403
from .review import *  # noqa: F401,F403
from .settings import *  # noqa: F401,F403
from .urls import public_urls  # noqa: F401
