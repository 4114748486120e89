"""The media fetch: only public addresses, a capped size, an accepted type, one deadline,
redirects checked like the first address, and the portal's own checks on the bytes.

A real HTTP server on loopback plays the remote host; the tests that fetch from it name it
in OPEN311_MEDIA_ALLOWED_HOSTS, and one test shows that without that setting it is refused.
"""

from __future__ import annotations

import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from plugins.open311.media import MediaRefused, fetch_media, is_public_address

MB = 1024 * 1024
ALLOWED = ["jpeg", "png", "pdf"]


def jpeg_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


NO_LENGTH = "X-Test-No-Length"  # the body then ends when the connection closes (HTTP/1.0)
ROUTES: dict[str, tuple[int, dict, bytes, float]] = {}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status, headers, body, delay = ROUTES.get(self.path, (404, {}, b"", 0))
        time.sleep(delay)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers and NO_LENGTH not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def loopback_allowed(settings):
    settings.OPEN311_MEDIA_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.OPEN311_MEDIA_TIMEOUT = 2


def route(path, status=200, content_type="image/jpeg", body=b"", delay=0.0, **headers):
    ROUTES[path] = (status, {"Content-Type": content_type, **headers}, body, delay)


def refused(url, **kwargs) -> str:
    """Which limit refused the fetch (the error is the spec's 400 either way)."""
    with pytest.raises(MediaRefused) as caught:
        fetch_media(url, allowed_types=kwargs.get("allowed", ALLOWED),
                    max_size=kwargs.get("max_size", 5 * MB))
    assert (caught.value.status, caught.value.code) == (400, 400)
    return caught.value.reason


def test_a_photo_is_fetched_and_cleaned_like_a_portal_upload(server, loopback_allowed):
    route("/photo.jpg", body=jpeg_bytes())
    clean = fetch_media(f"{server}/photo.jpg", allowed_types=ALLOWED, max_size=5 * MB)
    assert clean.content_type == "image/jpeg" and clean.is_image
    assert clean.original_name == "photo.jpg"
    assert Image.open(io.BytesIO(clean.data)).size == (40, 30)


def test_loopback_is_refused_without_the_test_setting(server, settings):
    settings.OPEN311_MEDIA_ALLOWED_HOSTS = []
    route("/photo.jpg", body=jpeg_bytes())
    assert "address" == refused(f"{server}/photo.jpg")


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/a.jpg",            # loopback
    "http://localhost/a.jpg",            # a name that resolves to loopback
    "http://[::1]/a.jpg",                # IPv6 loopback
    "http://[::ffff:127.0.0.1]/a.jpg",   # IPv4-mapped loopback
    "http://10.1.2.3/a.jpg",             # private
    "http://192.168.0.10/a.jpg",         # private
    "http://172.16.5.5/a.jpg",           # private
    "http://100.64.0.1/a.jpg",           # shared (carrier-grade NAT)
    "http://169.254.169.254/a.jpg",      # link-local (cloud metadata)
    "http://[fe80::1]/a.jpg",            # IPv6 link-local
    "http://224.0.0.1/a.jpg",            # multicast
    "http://240.0.0.1/a.jpg",            # reserved
    "http://0.0.0.0/a.jpg",              # unspecified
])
def test_internal_addresses_are_refused_before_any_connection(url, settings):
    settings.OPEN311_MEDIA_ALLOWED_HOSTS = []
    assert "address" == refused(url)


@pytest.mark.parametrize("address, public", [
    ("8.8.8.8", True), ("2a00:1450:4010::64", True), ("127.0.0.2", False),
    ("fc00::1", False), ("198.18.0.1", False),
])
def test_public_addresses(address, public):
    assert is_public_address(address) is public


@pytest.mark.parametrize("url", [
    "ftp://example.org/a.jpg", "file:///etc/passwd", "gopher://example.org/",
    "http://user:secret@example.org/a.jpg", "http:///a.jpg", "http://example.org:99999/a",
])
def test_other_schemes_credentials_and_malformed_addresses_are_refused(url):
    assert refused(url) == "scheme"


def test_a_file_over_the_cap_is_refused_by_its_declared_length(server, loopback_allowed):
    route("/big.jpg", body=b"\xff\xd8\xff" + b"0" * (MB + 10))
    assert refused(f"{server}/big.jpg", max_size=MB) == "size"


def test_a_file_over_the_cap_is_refused_while_reading(server, loopback_allowed):
    # The server understates its length: the reader stops at the cap anyway.
    route("/unsized.jpg", body=b"\xff\xd8\xff" + b"0" * (2 * MB), **{NO_LENGTH: "1"})
    assert refused(f"{server}/unsized.jpg", max_size=MB) == "size"
    route("/understated.jpg", body=b"\xff\xd8\xff" + b"0" * (2 * MB),
          **{"Content-Length": str(MB // 2)})
    # The client reads what was declared; the short file then fails the photo check.
    assert refused(f"{server}/understated.jpg", max_size=MB) == "content"


def test_a_type_the_page_does_not_accept_is_refused(server, loopback_allowed):
    route("/page.html", content_type="text/html", body=b"<html></html>")
    route("/doc.pdf", content_type="application/pdf", body=b"%PDF-1.4 test")
    assert refused(f"{server}/page.html") == "type"
    assert refused(f"{server}/doc.pdf", allowed=["jpeg", "png"]) == "type"


def test_bytes_that_are_not_what_the_type_says_are_refused(server, loopback_allowed):
    route("/fake.jpg", body=b"MZ\x90\x00 not a photo")
    assert refused(f"{server}/fake.jpg") == "content"


def test_a_slow_server_runs_out_of_time(server, loopback_allowed, settings):
    settings.OPEN311_MEDIA_TIMEOUT = 0.5
    route("/slow.jpg", body=jpeg_bytes(), delay=1.5)
    started = time.monotonic()
    assert "time" == refused(f"{server}/slow.jpg")
    assert time.monotonic() - started < 1.4


def test_an_error_status_is_refused(server, loopback_allowed):
    assert refused(f"{server}/missing.jpg") == "status"


def test_a_redirect_to_an_unchecked_host_is_refused(server, loopback_allowed):
    # 127.0.0.1 is allowed for the test; "localhost" is not, though it is the same server.
    port = server.rsplit(":", 1)[1]
    route("/photo.jpg", body=jpeg_bytes())
    route("/to-localhost", status=302, Location=f"http://localhost:{port}/photo.jpg")
    route("/to-metadata", status=302, Location="http://169.254.169.254/latest/meta-data")
    assert "address" == refused(f"{server}/to-localhost")
    assert "address" == refused(f"{server}/to-metadata")


def test_redirects_to_checked_hosts_are_followed_a_few_times(server, loopback_allowed,
                                                             settings):
    route("/photo.jpg", body=jpeg_bytes())
    route("/hop1", status=301, Location="/photo.jpg")
    route("/hop2", status=302, Location="/hop1")
    assert fetch_media(f"{server}/hop2", allowed_types=ALLOWED, max_size=MB).is_image
    settings.OPEN311_MEDIA_MAX_REDIRECTS = 1
    assert "redirect" == refused(f"{server}/hop2")


def test_a_page_that_takes_no_files_takes_no_media(server, loopback_allowed):
    route("/photo.jpg", body=jpeg_bytes())
    assert refused(f"{server}/photo.jpg", allowed=[]) == "type"


def test_a_host_that_does_not_answer_is_refused(loopback_allowed):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert refused(f"http://127.0.0.1:{port}/a.jpg") == "unreachable"


def test_a_name_that_does_not_resolve_is_refused(settings, monkeypatch):
    import socket

    def no_such_name(*args, **kwargs):
        raise socket.gaierror("Name or service not known")

    # No resolver is asked (the tests stay on loopback): the lookup's answer is given.
    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    assert refused("http://no-such-host.example/a.jpg") == "address"


def test_a_name_with_any_internal_address_is_refused(settings, monkeypatch):
    import socket

    def public_and_private(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]

    monkeypatch.setattr(socket, "getaddrinfo", public_and_private)
    assert refused("http://rebinding.example/a.jpg") == "address"


def test_the_name_is_resolved_once_and_the_checked_address_is_used(server, settings,
                                                                  monkeypatch):
    """DNS rebinding: a second lookup would answer an internal address; there is none."""
    import socket

    port = int(server.rsplit(":", 1)[1])
    real_getaddrinfo = socket.getaddrinfo
    lookups = []

    def rebinding(host, *args, **kwargs):
        if host != "media.example":
            return real_getaddrinfo(host, *args, **kwargs)
        lookups.append(host)
        address = "127.0.0.1" if len(lookups) == 1 else "10.9.9.9"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    settings.OPEN311_MEDIA_ALLOWED_HOSTS = ["media.example"]
    route("/photo.jpg", body=jpeg_bytes())
    clean = fetch_media(f"http://media.example:{port}/photo.jpg", allowed_types=ALLOWED,
                        max_size=MB)
    assert clean.is_image and lookups == ["media.example"]
