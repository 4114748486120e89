"""The GeoReport v2 endpoints under /open311/v2/, each in .json and .xml.

Every view builds plain data and hands it to `formats.render`; anything that goes wrong
below is an `ApiError`, rendered as the spec's error list in the requested format with its
HTTP status. `jurisdiction_id` is a region's code; a region that switched the plugin off is
no jurisdiction here.
"""

from __future__ import annotations

import uuid
from functools import wraps

from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from cms.kernel.plugins import is_enabled
from cms.models import Region

from . import following, formats, services
from .errors import ApiError
from .filing import file_request

PLUGIN = "open311"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The date this API last changed in a way clients see (the discovery's changeset).
CHANGESET = "2026-12-01T00:00:00Z"


def api_view(methods=("GET",)):
    """Render ApiError as the spec's error list; refuse other methods the same way."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, fmt=formats.JSON, **kwargs):
            try:
                if request.method not in methods:
                    raise ApiError.of(405, _("Method %(method)s is not allowed here.")
                                      % {"method": request.method})
                refuse_nul_characters(request, args, kwargs)
                return view(request, *args, fmt=fmt, **kwargs)
            except ApiError as error:
                response = formats.render_error(fmt, error)
                if error.status == 405:
                    response["Allow"] = ", ".join(methods)
                return response

        return csrf_exempt(wrapper)

    return decorate


def refuse_nul_characters(request, args, kwargs) -> None:
    """A NUL character is in no code, number or text here (and PostgreSQL refuses it)."""
    values = [*args, *kwargs.values()]
    for params in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
        for name, items in params.lists():
            values.append(name)
            values.extend(items)
    if any("\x00" in str(value) for value in values):
        raise ApiError.of(400, _("Parameters may not contain NUL characters."))


def params_of(request):
    return request.POST if request.method == "POST" else request.GET


def jurisdiction(params) -> Region:
    code = (params.get("jurisdiction_id") or "").strip()
    if not code:
        raise ApiError.of(400, _("jurisdiction_id is required."))
    region = Region.objects.filter(code=code).first()
    if region is None or not is_enabled(PLUGIN, region):
        raise ApiError.of(404, _("Unknown jurisdiction_id: %(code)s.") % {"code": code})
    return region


def api_key_of(request, params) -> str:
    return (params.get("api_key") or request.headers.get("X-Api-Key") or "").strip()


def integration_of(request, params, region, *, required: bool):
    """The integration whose key came with the request (counted against its rate), or
    None for an anonymous read."""
    from . import auth

    key = api_key_of(request, params)
    if not key and not required:
        return None
    integration = auth.authenticate(request, key, region.code)
    auth.check_rate(integration)
    return integration


@api_view()
def discovery(request, fmt):
    url = request.build_absolute_uri(reverse("open311:root"))
    body = {
        "changeset": CHANGESET,
        "contact": _("API keys are issued by the region's administration."),
        "key_service": _("Ask the region's administration for an API key."),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": url,
            "changeset": CHANGESET,
            "type": "production",
            "formats": list(formats.MEDIA_TYPES),
        }],
    }
    return formats.render(fmt, "discovery", body)


@api_view()
def service_list(request, fmt):
    region = jurisdiction(request.GET)
    body = [services.describe(service) for service in services.offered_services(region)]
    return formats.render(fmt, "services", body)


def service_or_404(region, code: str) -> services.Service:
    service = services.find_service(region, code)
    if service is None:
        raise ApiError.of(404, _("Unknown service_code: %(code)s.") % {"code": code})
    return service


@api_view()
def service_definition(request, service_code, fmt):
    region = jurisdiction(request.GET)
    service = service_or_404(region, service_code)
    return formats.render(fmt, "service_definition", services.definition(service))


@api_view(methods=("GET", "POST"))
def requests_view(request, fmt):
    params = params_of(request)
    region = jurisdiction(params)
    if request.method == "POST":
        return create_request(request, params, region, fmt)
    integration = integration_of(request, params, region, required=False)
    search = following.parse_search(params, region)
    body = [following.request_entry(appeal, region, integration)
            for appeal in following.search_appeals(region, search)]
    return formats.render(fmt, "service_requests", body)


def create_request(request, params, region, fmt):
    from . import auth

    integration = integration_of(request, params, region, required=True)
    code = (params.get("service_code") or "").strip()
    if not code:
        raise ApiError.of(400, _("service_code is required."))
    service = service_or_404(region, code)
    if not auth.allows_service(integration, service.subcategory):
        raise ApiError.of(403, _("This API key may not file requests for %(code)s.")
                          % {"code": code})
    filed = file_request(request=request, params=params, region=region,
                         integration=integration, service=service)
    body = [{
        "service_request_id": filed.appeal.number,
        "token": str(filed.filing.token),
        "service_notice": following.service_notice(filed.appeal, region),
        "account_id": None,
    }]
    return formats.render(fmt, "service_requests", body, status=201 if filed.created else 200)


@api_view()
def request_detail(request, request_id, fmt):
    region = jurisdiction(request.GET)
    integration = integration_of(request, request.GET, region, required=False)
    appeal = following.find_appeal(region, request_id)
    return formats.render(fmt, "service_requests",
                          [following.request_entry(appeal, region, integration)])


@api_view()
def token_detail(request, token, fmt):
    from .models import FiledRequest

    region = jurisdiction(request.GET)
    try:
        token_id = uuid.UUID(token)
    except ValueError:
        token_id = None
    filing = (FiledRequest.objects.select_related("appeal")
              .filter(token=token_id, appeal__region=region).first()
              if token_id else None)
    if filing is None:
        raise ApiError.of(404, _("Unknown token: %(token)s.") % {"token": token})
    body = [{"service_request_id": filing.appeal.number, "token": str(filing.token)}]
    return formats.render(fmt, "service_requests", body)
