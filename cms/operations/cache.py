"""Django's Redis cache, for a Redis that may be away for a moment.

The cache holds only what can be asked again (Wagtail's site paths, the identity
provider's metadata, open data's rendered body), so while Redis restarts a read misses
and a write is dropped, and the page is served from the database, instead of a 500 for
every request of those seconds. Counting is different: `incr` and `decr` still raise, so
the submission rate limit (`cms.submission.ratelimit`) knows to count in the database.
`/health/` still reports the cache as down (its write-then-read misses).
"""

from __future__ import annotations

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)

AWAY = (ConnectionError, TimeoutError)
# One warning per process per this many seconds, not one per request.
WARN_EVERY_SECONDS = 10


def _answer_while_away(answer):
    def decorate(method):
        @wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except AWAY as error:
                self.warn_away(method.__name__, error)
                return answer(*args, **kwargs) if callable(answer) else answer

        return call

    return decorate


class RedisCacheThatMayBeAway(RedisCache):
    _last_warning = 0.0

    def warn_away(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - RedisCacheThatMayBeAway._last_warning >= WARN_EVERY_SECONDS:
            RedisCacheThatMayBeAway._last_warning = now
            logger.warning("cache: Redis did not answer (%s: %s); serving without it",
                           operation, error)

    get = _answer_while_away(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _answer_while_away(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _answer_while_away(False)(RedisCache.has_key)
    add = _answer_while_away(False)(RedisCache.add)
    set = _answer_while_away(None)(RedisCache.set)
    touch = _answer_while_away(False)(RedisCache.touch)
    delete = _answer_while_away(False)(RedisCache.delete)
    delete_many = _answer_while_away(None)(RedisCache.delete_many)
    # The keys that were not stored: all of them.
    set_many = _answer_while_away(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
