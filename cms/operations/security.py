"""The site-wide content security policy: nothing is loaded from another host.

Views that set their own policy (the portal's strict one, a widget's frame-ancestors)
keep it; every other response gets this one. Sits above FrameAncestorsMiddleware, so the
frame-ancestors directive it added is kept. The admin allows inline scripts: Wagtail's
inline panels and date pickers still write small inline scripts.
"""

from __future__ import annotations

HEADER = "Content-Security-Policy"

BASE_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; connect-src 'self'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)
SITE_POLICY = f"{BASE_POLICY}; script-src 'self'"
ADMIN_POLICY = f"{BASE_POLICY}; script-src 'self' 'unsafe-inline'"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        existing = response.get(HEADER, "")
        if "default-src" in existing:
            return response
        policy = ADMIN_POLICY if request.path.startswith("/admin/") else SITE_POLICY
        response[HEADER] = f"{policy}; {existing}" if existing else policy
        return response
