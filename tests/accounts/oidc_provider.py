"""Driving the development provider (django-oauth-toolkit on the live server) over HTTP.

The citizen's browser at the provider is a `requests.Session`; the site under test is
Django's test client. Redirects are followed only while they stay at the provider: the
redirect back to the site is returned for the test client to follow.
"""

from __future__ import annotations

import base64
import json
import threading
from contextlib import contextmanager
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import requests
from django.contrib.auth import get_user_model
from oauth2_provider.models import get_application_model

CLIENT_ID = "pos-test"
CLIENT_SECRET = "pos-test-secret"  # noqa: S105
TEST_CLIENT_CALLBACK = "http://testserver/accounts/callback/"


class FormFields(HTMLParser):
    """The named inputs of the first form on a page (submit buttons left out)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._depth = 0
        self._done = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done:
            self._depth += 1
        elif tag == "input" and self._depth and attrs.get("name"):
            if attrs.get("type") != "submit":
                self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self._depth:
            self._depth -= 1
            self._done = True


def form_fields(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


class Provider:
    """The stand-in provider on `live_server`, with the test client registered."""

    def __init__(self, url: str):
        self.url = url
        self.issuer = f"{url}/dev-idp"
        Application = get_application_model()
        self.application = Application.objects.create(
            name="ПОС (tests)",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=f"{TEST_CLIENT_CALLBACK} {url}/accounts/callback/",
            algorithm=Application.RS256_ALGORITHM,
        )

    def person(self, username: str, password: str, **fields):
        """Someone who can sign in at the provider (the provider's own account)."""
        return get_user_model().objects.create_user(
            username=username, password=password, **fields
        )

    def browse(self, browser: requests.Session, url: str, data: dict | None = None):
        """GET (or POST `data`), following redirects within the provider.

        Returns (the last provider page or None, the URL outside the provider or None).
        """
        if data is None:
            response = browser.get(url, allow_redirects=False, timeout=10)
        else:
            response = browser.post(url, data=data, allow_redirects=False, timeout=10)
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(self.url):
                return None, location
            response = browser.get(location, allow_redirects=False, timeout=10)
        response.raise_for_status()
        return response, None

    def sign_in(
        self,
        browser: requests.Session,
        authorize_url: str,
        username: str = "",
        password: str = "",
        allow: bool = True,
    ) -> str:
        """Go through the provider's pages; return where it sends the browser back."""
        page, back = self.browse(browser, authorize_url)
        if back:
            return back
        if 'name="password"' in page.text:
            fields = form_fields(page.text) | {
                "username": username,
                "password": password,
            }
            page, back = self.browse(browser, page.url, fields)
            if back:
                return back
        assert 'id="authorizationForm"' in page.text, page.text[:2000]
        fields = form_fields(page.text)
        if allow:
            fields["allow"] = "on"
        page, back = self.browse(browser, page.url, fields)
        assert back, "the provider did not send the browser back"
        return back


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    params = query(url) | changes
    return urlunsplit(parts._replace(query=urlencode(params)))


def b64url_json(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def b64url(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@contextmanager
def token_proxy(token_endpoint: str, forge):
    """A loopback stand-in for the token endpoint: it forwards to the real one and
    passes the ID token of the answer through `forge` (bad-signature cases only)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {
                name: self.headers[name]
                for name in ("Content-Type", "Authorization", "Accept")
                if self.headers[name]
            }
            upstream = requests.post(
                token_endpoint, data=body, headers=headers, timeout=10
            )
            answer = upstream.json()
            if "id_token" in answer:
                answer["id_token"] = forge(answer["id_token"])
            payload = json.dumps(answer).encode()
            self.send_response(upstream.status_code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/token"
    finally:
        server.shutdown()
        server.server_close()
