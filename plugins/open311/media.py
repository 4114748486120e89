"""Fetching a request's `media_url`: the server makes a request on a stranger's behalf, so
every step is limited.

- Only http and https, no credentials in the address.
- The host is resolved once; every address it resolves to must be a public one (loopback,
  private, link-local, shared, multicast, reserved and unspecified addresses are refused,
  IPv4-mapped IPv6 included), and the connection goes to the address that was checked, so
  a second lookup cannot swap in an internal one (DNS rebinding). HTTPS still verifies the
  certificate against the host's name.
- Redirects are followed only a few times, each target checked like the first address.
- One deadline for the whole fetch; the body is read up to the size cap and no further; the
  response's Content-Type must be one of the types the page accepts.
- The bytes then go through the portal's own upload checks (`check_file`: the magic
  bytes must agree with the type, images are re-encoded without metadata).

Settings: `OPEN311_MEDIA_TIMEOUT` (seconds, default 10), `OPEN311_MEDIA_MAX_REDIRECTS`
(default 3), `OPEN311_MEDIA_ALLOWED_HOSTS` (host names exempt from the address check; empty
in production; tests name their loopback server here).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cms.submission.uploads import FILE_TYPES, CleanFile, check_file

from .errors import ApiError

CHUNK = 64 * 1024
USER_AGENT = "POS-Open311-media/1.0"


class MediaRefused(ApiError):
    """A refused `media_url` (400); `reason` says which limit refused it, for logs and
    tests: scheme, address, redirect, status, type, size, time, unreachable, content."""

    def __init__(self, reason: str, description: str):
        super().__init__(400, 400, _("media_url refused: %(reason)s")
                         % {"reason": description})
        self.reason = reason


def _setting(name: str, default):
    return getattr(settings, name, default)


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified
    )


def _checked_address(host: str, port: int) -> str:
    """The one address to connect to, after checking every address the host has."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        # The resolver's own timeout applies here (getaddrinfo takes none).
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise MediaRefused("address", _("the host name does not resolve")) from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise MediaRefused("address", _("the host name does not resolve"))
    if host in _setting("OPEN311_MEDIA_ALLOWED_HOSTS", ()):
        return addresses[0]
    if not all(is_public_address(address) for address in addresses):
        raise MediaRefused("address", _("the address is not a public one"))
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever the host name resolves to now."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.pinned_address = address

    def connect(self):
        self.sock = socket.create_connection((self.pinned_address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.pinned_address = address

    def connect(self):
        sock = socket.create_connection((self.pinned_address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _split(url: str):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise MediaRefused("scheme", _("only http and https addresses are fetched"))
    if parts.username or parts.password:
        raise MediaRefused("scheme", _("the address carries credentials"))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise MediaRefused("scheme", _("the address is malformed")) from None
    if not parts.hostname:
        raise MediaRefused("scheme", _("the address is malformed"))
    return parts, parts.hostname, port


def _content_type(response) -> str:
    return (response.getheader("Content-Type") or "").split(";", 1)[0].strip().lower()


def _read_capped(response, max_size: int, deadline: float) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_size:
        raise MediaRefused("size", _("the file is larger than %(limit)s")
                           % {"limit": filesizeformat(max_size)})
    body = bytearray()
    while True:
        if time.monotonic() > deadline:
            raise MediaRefused("time", _("the server did not answer in time"))
        chunk = response.read(min(CHUNK, max_size + 1 - len(body)))
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > max_size:
            raise MediaRefused("size", _("the file is larger than %(limit)s")
                               % {"limit": filesizeformat(max_size)})


def _file_name(path: str, file_type) -> str:
    """The URL's file name with the extension of the type the server declared."""
    stem = PurePosixPath(path).stem[:100] or "media"
    return stem + file_type.extensions[0]


def fetch_media(url: str, *, allowed_types: list[str], max_size: int) -> CleanFile:
    """The checked file at `url`, or ApiError 400 saying why it was refused."""
    timeout = float(_setting("OPEN311_MEDIA_TIMEOUT", 10))
    redirects_left = int(_setting("OPEN311_MEDIA_MAX_REDIRECTS", 3))
    deadline = time.monotonic() + timeout
    types_by_content = {FILE_TYPES[code].content_type: FILE_TYPES[code]
                        for code in allowed_types}
    if not types_by_content:
        raise MediaRefused("type", _("this service accepts no files"))
    while True:
        parts, host, port = _split(url)
        address = _checked_address(host, port)
        connection_class = (_PinnedHTTPSConnection if parts.scheme == "https"
                            else _PinnedHTTPConnection)
        connection = connection_class(host, port, address,
                                      timeout=max(0.1, deadline - time.monotonic()))
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        try:
            connection.request("GET", path, headers={
                "User-Agent": USER_AGENT, "Accept": ", ".join(types_by_content)})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location or redirects_left <= 0:
                    raise MediaRefused("redirect", _("too many redirects"))
                redirects_left -= 1
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise MediaRefused("status", _("the server answered with status %(status)s")
                                   % {"status": response.status})
            file_type = types_by_content.get(_content_type(response))
            if file_type is None:
                raise MediaRefused("type", _("this type of file is not accepted here"))
            data = _read_capped(response, max_size, deadline)
        except TimeoutError:
            raise MediaRefused("time", _("the server did not answer in time")) from None
        except (OSError, http.client.HTTPException):
            raise MediaRefused("unreachable", _("the server could not be reached")) from None
        finally:
            connection.close()
        break
    upload = ContentFile(data, name=_file_name(parts.path, file_type))
    try:
        return check_file(upload, list(allowed_types), max_size)
    except ValidationError as error:
        raise MediaRefused("content", " ".join(error.messages)) from None
