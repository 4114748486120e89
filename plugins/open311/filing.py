"""Filing a message through the API: POST requests, on the portal's own write path.

The POST is turned into the portal's `AppealForm` of the service's submission page, so
the same checks run (text, territory, the page's extra questions, its file rules, the
photo a subcategory asks for); the valid form is registered by the portal's
`do_submit_appeal` (routing, deadline, events, notifications, idempotency) with the API
channel, and the integration that filed it is recorded beside it (`FiledRequest`), in the
same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from cms.models import Appeal, Channel, Territory
from cms.submission.forms import EXTRA_PREFIX, AppealForm
from cms.submission.registration import take_number
from cms.submission.views import decide_submission, do_submit_appeal

from .errors import ApiError, ApiErrors
from .services import CHECKBOX_FALSE, CHECKBOX_TRUE, DATATYPES, Service

# An integration's own key for a POST: the same key twice files one message.
IDEMPOTENCY_HEADER = "HTTP_IDEMPOTENCY_KEY"
# Keys of different integrations never meet: each is read in its integration's namespace.
IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1f3c2e-3a51-4a8e-9f0e-0b7a3c1d5e11")


@dataclass
class Filed:
    appeal: Appeal
    filing: object  # FiledRequest
    created: bool


def idempotency_key(integration, request) -> uuid.UUID:
    given = (request.META.get(IDEMPOTENCY_HEADER) or "").strip()
    if not given:
        return uuid.uuid4()
    if len(given) > 200:
        raise ApiError.of(400, _("Idempotency-Key is longer than 200 characters."))
    return uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{integration.pk}:{given}")


def attribute_values(params, service: Service) -> dict[str, list[str]]:
    """`attribute[code]=v` and `attribute[code][]=v` (a multivaluelist) by code."""
    values: dict[str, list[str]] = {}
    for name in params:
        if not (name.startswith("attribute[") and name.endswith("]")):
            continue
        code = name[len("attribute["):].removesuffix("[]").removesuffix("]")
        values.setdefault(code, []).extend(params.getlist(name))
    known = {question.clean_name for question in service.questions}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ApiErrors([ApiError.of(400, _("attribute[%(code)s] is not an attribute of "
                                            "this service.") % {"code": code})
                         for code in unknown])
    return values


def form_answers(service: Service, values: dict[str, list[str]]) -> dict[str, object]:
    """The page form's data for the questions, from the attributes as the spec sends them."""
    data: dict[str, object] = {}
    for question in service.questions:
        given = [value for value in values.get(question.clean_name, []) if value != ""]
        name = EXTRA_PREFIX + question.clean_name
        if question.field_type == "checkbox":
            if given and given[0].lower() not in (CHECKBOX_TRUE, CHECKBOX_FALSE):
                raise ApiError.of(400, _("attribute[%(code)s] must be true or false.")
                                  % {"code": question.clean_name})
            if given and given[0].lower() == CHECKBOX_TRUE:
                data[name] = "on"
        elif DATATYPES.get(question.field_type) == "multivaluelist":
            if given:
                data[name] = given
        elif given:
            data[name] = given[0]
    return data


def decimal_or_none(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ApiError.of(400, _("lat and long must be numbers.")) from None


def fallback_territory(region) -> Territory | None:
    """Where a message goes that no point or address places: the region's top level."""
    return Territory.objects.filter(region=region, depth=1).order_by("path").first()


def as_upload(clean) -> SimpleUploadedFile:
    """A fetched file as the form takes a citizen's upload (its name ends as its type)."""
    name = PurePath(clean.original_name or "media").name or "media"
    if not name.lower().endswith(clean.extension):
        name = f"{PurePath(name).stem or 'media'}{clean.extension}"
    return SimpleUploadedFile(name, clean.data, content_type=clean.content_type)


# Which parameter of the POST a form field's error is about.
FIELD_PARAMETERS = {
    "text": "description",
    "subcategory": "service_code",
    "category": "service_code",
    "territory": "address_string",
    "address": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "files": "media_url",
    "keep_files": "media_url",
}


def form_errors(form: AppealForm) -> ApiErrors:
    errors = []
    for name, messages in form.errors.items():
        if name.startswith(EXTRA_PREFIX):
            parameter = f"attribute[{name.removeprefix(EXTRA_PREFIX)}]"
        else:
            parameter = FIELD_PARAMETERS.get(name, name)
        errors.extend(ApiError.of(400, f"{parameter}: {message}") for message in messages)
    return ApiErrors(errors or [ApiError.of(400, _("The request is not valid."))])


def file_request(*, request, params, region, integration, service: Service) -> Filed:
    """Check and register the POSTed message; raises ApiError with what the client fixes."""
    from . import identity, location, media
    from .models import FiledRequest

    sub = service.subcategory
    lat, long = params.get("lat", ""), params.get("long", "")
    address_string = (params.get("address_string") or "").strip()
    if not address_string and not (lat and long) and not params.get("address_id"):
        raise ApiError.of(400, _("A location is required: lat and long, or address_string."))
    description = (params.get("description") or "").strip()
    if not description:
        raise ApiError.of(400, _("description is required."))
    answers = form_answers(service, attribute_values(params, service))
    key = idempotency_key(integration, request)
    existing = FiledRequest.objects.filter(appeal__idempotency_key=key).select_related(
        "appeal").first()
    if existing is not None:
        return Filed(appeal=existing.appeal, filing=existing, created=False)

    citizen = identity.citizen_for(integration, params)
    territory, given = location.locate(region, lat or None, long or None, address_string)
    territory = territory or fallback_territory(region)
    if territory is None:
        raise ApiError.of(400, _("The location is not in this jurisdiction."))
    media_url = (params.get("media_url") or "").strip()
    files = MultiValueDict()
    if media_url:
        clean = media.fetch_media(media_url, allowed_types=service.page.allowed_file_types,
                                  max_size=service.page.max_file_size)
        files.setlist("files", [as_upload(clean)])

    data = {
        "category": str(sub.category_id),
        "subcategory": str(sub.pk),
        "territory": str(territory.pk),
        "address": address_string,
        "latitude": _form_number(given.get("lat")),
        "longitude": _form_number(given.get("long")),
        "text": description,
        "consent": "on",  # the integration collected the citizen's consent
        "idempotency_key": str(key),
        **answers,
    }
    form_data = MultiValueDict()
    for name, value in data.items():
        form_data.setlist(name, value if isinstance(value, list) else [value])
    form = AppealForm(form_data, files, page=service.page, citizen=citizen)
    if not form.is_valid():
        raise form_errors(form)
    decision = decide_submission(form, citizen=citizen, channel=Channel.API)
    take_number(decision)  # before the transaction, one statement: see `take_number`
    with transaction.atomic():
        appeal, created = do_submit_appeal(form=form, citizen=citizen, channel=Channel.API,
                                           decision=decision)
        if created:
            filing = FiledRequest.objects.create(appeal=appeal, integration=integration,
                                                 media_url=media_url[:2000],
                                                 given_location=given)
        else:
            filing = FiledRequest.objects.get(appeal=appeal)
    return Filed(appeal=appeal, filing=filing, created=created)


def _form_number(value) -> str:
    number = decimal_or_none(value)
    if number is None:
        return ""
    # The form keeps six decimals; what was sent stays in the filing as it was.
    return str(number.quantize(Decimal("0.000001")))
