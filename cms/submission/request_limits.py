"""Refuse a request body larger than any form of the product can need, unread.

Django streams uploads to temporary files and caps only the non-file part of a form
(DATA_UPLOAD_MAX_MEMORY_SIZE), so without this a client could fill the disk with one
request. The cap is all the files one form may carry (`POS_MAX_FILES_TOTAL_MB`: the page
editor's limits are held to it) plus Django's own cap on the other fields. The decision
is taken from the Content-Length header alone; the WSGI server never hands Django more
than that header announces.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

from cms.portal.security import strict_csp

MB = 1024 * 1024


def max_files_total() -> int:
    """Bytes all the files of one form may take together."""
    return settings.POS_MAX_FILES_TOTAL_MB * MB


def max_request_body() -> int:
    return max_files_total() + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_request_body():
            response = render(
                request,
                "portal/too_large.html",
                {"limit": filesizeformat(max_files_total())},
                status=413,
            )
            # The client may still be sending: tell it not to reuse this connection.
            response["Connection"] = "close"
            return strict_csp(response)
        return self.get_response(request)
