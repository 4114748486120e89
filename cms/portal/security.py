"""Response headers that keep the public pages safe: framing and content sources.

Every page refuses framing (`FrameAncestorsMiddleware`, Wagtail admin included); only an
organisation's widget page names the sites that may frame it. Portal pages also get a
policy that allows assets from this server alone: nothing is loaded from a CDN.
"""

from __future__ import annotations

import re

# Host names as organisations register them: "example.org", "*.example.org",
# "localhost:8080". Anything else (quotes, spaces, semicolons) never reaches a header.
DOMAIN_RE = re.compile(r"^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$")

PORTAL_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'"
)


def frame_sources(domains) -> list[str]:
    return [
        d.strip().lower()
        for d in domains or []
        if isinstance(d, str) and DOMAIN_RE.match(d.strip().lower())
    ]


def strict_csp(response, frame_ancestors: str = "'none'"):
    response["Content-Security-Policy"] = (
        f"{PORTAL_POLICY}; frame-ancestors {frame_ancestors}"
    )
    return response


def widget_csp(response, organisation):
    """Let the organisation's own sites (and this one) frame its widget page."""
    ancestors = " ".join(["'self'", *frame_sources(organisation.website_domains)])
    response.xframe_options_exempt = True
    return strict_csp(response, frame_ancestors=ancestors)


class FrameAncestorsMiddleware:
    """Refuse framing everywhere a view did not decide otherwise.

    Sits above Django's XFrameOptionsMiddleware and mirrors its decision in CSP
    (`DENY` → 'none', `SAMEORIGIN` → 'self', as Wagtail's previews need).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = response.get("Content-Security-Policy", "")
        if "frame-ancestors" not in policy:
            same_origin = response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
            ancestors = "'self'" if same_origin else "'none'"
            directive = f"frame-ancestors {ancestors}"
            response["Content-Security-Policy"] = (
                f"{policy}; {directive}" if policy else directive
            )
        return response
