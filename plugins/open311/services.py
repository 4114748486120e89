"""Services: the region's subcategories that its submission pages offer.

A subcategory is offered when a live, public submission page of the region's site offers
its category (`SubmissionPage.offered_categories`). The first such page (in the site's
order) is the service's page: its extra questions are the service's attributes, and a POST
is checked by that page's own form, exactly as the portal checks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.contrib.forms.forms import FormBuilder

from cms.models import Subcategory

# Wagtail's form-builder field types → the spec's attribute datatypes.
DATATYPES = {
    "singleline": "string",
    "email": "string",
    "url": "string",
    "hidden": "string",
    "multiline": "text",
    "number": "number",
    "date": "datetime",
    "datetime": "datetime",
    "dropdown": "singlevaluelist",
    "radio": "singlevaluelist",
    "checkbox": "singlevaluelist",
    "checkboxes": "multivaluelist",
    "multiselect": "multivaluelist",
}
# A checkbox question answered through the API: its two keys.
CHECKBOX_TRUE, CHECKBOX_FALSE = "true", "false"


@dataclass
class Service:
    subcategory: Subcategory
    page: object  # the SubmissionPage that offers it
    questions: list = field(default_factory=list)  # the page's SubmissionPageField rows

    @property
    def code(self) -> str:
        return self.subcategory.code

    @property
    def has_metadata(self) -> bool:
        return bool(self.questions)


def submission_pages(region):
    from cms.portal.models import SubmissionPage

    if region.site_id is None:
        return SubmissionPage.objects.none()
    return (SubmissionPage.objects.live().public().in_site(region.site)
            .prefetch_related("extra_fields").order_by("path"))


def offered_services(region) -> list[Service]:
    """Every service of the region, in the classifier's order; each subcategory once."""
    page_of_category: dict[int, object] = {}
    for page in submission_pages(region):
        for category_id in page.offered_categories().values_list("pk", flat=True):
            page_of_category.setdefault(category_id, page)
    subcategories = (Subcategory.objects.select_related("category")
                     .filter(category_id__in=page_of_category)
                     .order_by("category__position", "category__code", "position", "code"))
    return [_service(sub, page_of_category[sub.category_id]) for sub in subcategories]


def find_service(region, code: str) -> Service | None:
    for service in offered_services(region):
        if service.code == code:
            return service
    return None


def _service(subcategory, page) -> Service:
    questions = sorted(page.extra_fields.all(), key=lambda question: question.sort_order or 0)
    return Service(subcategory=subcategory, page=page, questions=questions)


def describe(service: Service) -> dict:
    """One entry of GET services."""
    sub = service.subcategory
    return {
        "service_code": sub.code,
        "service_name": sub.display_name,
        "description": ngettext(
            "%(category)s: %(subcategory)s. Answered within %(count)d working day.",
            "%(category)s: %(subcategory)s. Answered within %(count)d working days.",
            sub.total_days,
        ) % {"category": sub.category.display_name, "subcategory": sub.display_name,
             "count": sub.total_days},
        "metadata": service.has_metadata,
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys([sub.category.display_name, sub.display_name,
                                              sub.category.code, sub.code])),
        "group": sub.category.display_name,
    }


def question_fields(service: Service) -> dict:
    """clean name → the Django form field the portal builds for the question."""
    return FormBuilder(service.questions).formfields


def attributes(service: Service) -> list[dict]:
    """The service definition's attributes: the page's extra questions."""
    formfields = question_fields(service)
    result = []
    for order, question in enumerate(service.questions, start=1):
        formfield = formfields.get(question.clean_name)
        datatype = DATATYPES.get(question.field_type, "string")
        entry = {
            "variable": True,
            "code": question.clean_name,
            "datatype": datatype,
            "required": bool(question.required),
            "datatype_description": str(question.help_text or ""),
            "order": order,
            "description": str(question.label),
        }
        if question.field_type == "checkbox":
            entry["values"] = [{"key": CHECKBOX_TRUE, "name": _("Yes")},
                               {"key": CHECKBOX_FALSE, "name": _("No")}]
        elif datatype in ("singlevaluelist", "multivaluelist") and formfield is not None:
            entry["values"] = [{"key": str(key), "name": str(name)}
                               for key, name in formfield.choices if key != ""]
        result.append(entry)
    return result


def definition(service: Service) -> dict:
    return {"service_code": service.code, "attributes": attributes(service)}
