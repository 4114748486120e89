"""Bare Django views: the baseline each real page of the benchmark is compared with.

Each does the work of its real page with nothing around it: no Wagtail page tree or
admin shell, no plugin hooks, no menu, a template of a few lines. They ask the same
questions of the same models (the permission policy's scope for a queue, its visibility
check for a message), so the gap to the real page is what the framework and the
product's extras cost. Served only by `benchmark.urls`, never by the project.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cms.models import (
    Appeal,
    AppealEvent,
    EventKind,
    Region,
    RegistrationCounter,
    Status,
    Subcategory,
    Territory,
)
from cms.permissions.policy import appeal_policy
from cms.staff_admin.queues import NumberOrTextSearch, QueueAdmin, registered_queues

from .data import BARE_COUNTER_YEAR, BARE_PREFIX

# A fixed term instead of the deadline hooks (no plugins here).
BARE_TERM = timedelta(days=30)
# The real listing's order, with the tie-break the admin's change list adds, its page
# size and its joins: the same rows, read the same way.
QUEUE_ORDERING = (*QueueAdmin.ordering, "-pk")
QUEUE_PAGE_SIZE = QueueAdmin.list_per_page
QUEUE_RELATED = QueueAdmin.list_select_related

_templates = engines["django"]
QUEUE_TEMPLATE = _templates.from_string(
    "<!doctype html><title>{{ queue.label }}</title>"
    "<h1>{{ queue.label }} ({{ count }})</h1><table>"
    "{% for appeal in appeals %}<tr>"
    '<td><a href="{% url "pos_messages:detail" appeal.pk %}">{{ appeal.number }}</a>'
    "{% if appeal.is_fast_track %} ⚡{% endif %}</td>"
    "<td>{{ appeal.get_status_display }}</td><td>{{ appeal.subcategory }}</td>"
    "<td>{{ appeal.territory }}</td><td>{{ appeal.organisation }}</td>"
    '<td>{{ appeal.deadline|date:"d.m.Y H:i" }}</td></tr>{% endfor %}</table>'
)
MESSAGE_TEMPLATE = _templates.from_string(
    "<!doctype html><title>{{ appeal.number }}</title><h1>{{ appeal.number }}</h1>"
    "<p>{{ appeal.get_status_display }}, {{ appeal.category }} / "
    "{{ appeal.subcategory }}, {{ appeal.territory }}, {{ appeal.organisation }}, "
    "{{ appeal.executor|default:'' }},"
    ' {{ appeal.deadline|date:"d.m.Y H:i" }}</p><p>{{ appeal.text }}</p><ol>'
    '{% for event in events %}<li>{{ event.created_at|date:"d.m.Y H:i" }} '
    "{{ event.kind }} {{ event.actor|default:'' }}: {{ event.from_value }}"
    " → {{ event.to_value }} {{ event.reason }}</li>{% endfor %}</ol>"
)


class BareSubmitForm(forms.Form):
    """The submission form's core fields, validated the plain way."""

    category = forms.ModelChoiceField(queryset=None)
    subcategory = forms.ModelChoiceField(queryset=Subcategory.objects.all())
    territory = forms.ModelChoiceField(queryset=None)
    address = forms.CharField(max_length=500, required=False)
    text = forms.CharField(max_length=5000)
    consent = forms.BooleanField()
    idempotency_key = forms.UUIDField()

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = region.visible_categories()
        self.fields["territory"].queryset = Territory.objects.filter(region=region)

    def clean(self):
        data = super().clean()
        category, subcategory = data.get("category"), data.get("subcategory")
        if category and subcategory and subcategory.category_id != category.pk:
            self.add_error("subcategory",
                           "Choose a subcategory of the chosen category.")
        return data


def register(region, citizen, data: dict) -> Appeal:
    """The message and its first event in one transaction, numbered from a locked
    counter; a key already used returns the first message."""
    existing = Appeal.objects.filter(idempotency_key=data["idempotency_key"]).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        counters = RegistrationCounter.objects.select_for_update()
        counter, _created = counters.get_or_create(region=region,
                                                   year=BARE_COUNTER_YEAR)
        counter.last_value += 1
        counter.save(update_fields=["last_value"])
        appeal = Appeal.objects.create(
            number=f"{BARE_PREFIX}{counter.last_value:07d}", region=region,
            citizen=citizen, category=data["category"], subcategory=data["subcategory"],
            territory=data["territory"], address=data["address"], text=data["text"],
            idempotency_key=data["idempotency_key"], status=Status.ON_MODERATION,
            # No routing: the region's moderators get it, as a message nobody routed.
            organisation_id=region.default_moderating_organisation_id,
            deadline=timezone.now() + BARE_TERM,
        )
        AppealEvent.objects.create(appeal=appeal, kind=EventKind.REGISTERED,
                                   actor=citizen, to_value=appeal.number,
                                   is_public=True)
    return appeal


@require_POST
def submit(request, region):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    region = get_object_or_404(Region, code=region)
    form = BareSubmitForm(request.POST, region=region)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    appeal = register(region, request.user, form.cleaned_data)
    return HttpResponseRedirect(reverse("portal:confirmation", args=[appeal.public_id]))


def queue_list(request, key):
    """A queue's first page: the queue's filter, order and page size, and its count."""
    queue = next((queue for queue in registered_queues() if queue.key == key), None)
    if queue is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not queue.is_shown_to(request.user):
        raise PermissionDenied
    appeals = (queue.queryset(request.user).select_related(*QUEUE_RELATED)
               .order_by(*QUEUE_ORDERING))
    if request.GET.get("q"):
        appeals = NumberOrTextSearch(search_fields=()).search_queryset(
            appeals, request.GET["q"])
    context = {"queue": queue, "count": appeals.count(),
               "appeals": appeals[:QUEUE_PAGE_SIZE]}
    return HttpResponse(QUEUE_TEMPLATE.render(context, request))


def message(request, pk):
    """A message the user may see, with its history."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    appeal = appeal_policy.get_visible_or_404(
        request.user, pk, Appeal.objects.select_related(
            "category", "subcategory", "territory", "organisation", "executor"))
    events = appeal.events.select_related("actor").order_by("created_at", "pk")
    return HttpResponse(MESSAGE_TEMPLATE.render({"appeal": appeal, "events": events},
                                                request))
