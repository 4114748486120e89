"""The API's one error type: what the GeoReport v2 spec calls an error list entry.

Anything below the views (auth, identity, location, media, filing) raises `ApiError`; the
view renders it as the spec's error list (`[{"code": ..., "description": ...}]` or
`<errors><error>...</error></errors>`) with `status` as the HTTP status.
"""

from __future__ import annotations


class ApiError(Exception):
    """An error the client reads: HTTP `status`, the spec's `code` and a `description`.

    `retry_after` (seconds) is sent as the Retry-After header, for a rate limit (429).
    """

    def __init__(self, status: int, code: int | str, description: str,
                 *, retry_after: int | None = None):
        super().__init__(f"{status} {code}: {description}")
        self.status = status
        self.code = code
        self.description = str(description)
        self.retry_after = retry_after

    @classmethod
    def of(cls, status: int, description: str, **kwargs) -> ApiError:
        """The usual case: the spec's code is the HTTP status."""
        return cls(status, status, description, **kwargs)


class ApiErrors(ApiError):
    """Several problems found at once (for example every invalid attribute of a POST):
    each is one entry of the error list; the first one's status is the response's."""

    def __init__(self, errors: list[ApiError]):
        first = errors[0]
        super().__init__(first.status, first.code, first.description)
        self.errors = errors
