"""File a message through the Open311 API as the region's ЕПГУ integration would.

    manage.py open311_demo_request                 # HTTP to the running demo (runserver)
    manage.py open311_demo_request --url http://127.0.0.1:8000
    manage.py open311_demo_request --in-process    # no server: Django's test client

It speaks to the API exactly as the ЕПГУ does: it reads the service list and the chosen
service's definition, POSTs a request with the integration's key and the citizen's ЕСИА
identifier, then GETs the request back. The citizen is the demo's `citizen` (the one the
development login signs in), so the message also shows in their account on the portal.

The integration keeps only its key's hash, so unless `--api-key` is given the command
issues the integration a new key (the previous one stops working) and uses that.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from cms.accounts.models import CitizenProfile
from cms.models import Region, Subcategory
from plugins.open311.models import FiledRequest, Integration

API_ROOT = "/open311/v2/"
# A roads service that needs no photo: the demo's site fetches no media from loopback.
PREFERRED_SERVICE = "01.07"
DEMO_ADDRESS = "г. Горск, Ленинский район, ул. Мира, 12"
DEMO_POINT = ("54.210100", "37.580200")  # inside the Leninsky district's territory point
DEMO_TEXT = ("У дома 12 на улице Мира дети переходят дорогу к школе там, где нет ни "
             "перехода, ни светофора. Прошу обустроить пешеходный переход.")


class Http:
    """The API over HTTP, as another system reaches it."""

    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        # Straight to the site: a proxy from the environment must not see the key.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(self, method: str, path: str, params: dict, headers: dict | None = None):
        url = self.base_url + API_ROOT + path
        data = None
        if method == "GET":
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        else:
            data = urllib.parse.urlencode(params, doseq=True).encode()
        request = urllib.request.Request(url, data=data, method=method,
                                         headers=headers or {})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")
        except urllib.error.URLError as error:
            raise CommandError(f"{self.base_url} does not answer ({error.reason}); start "
                               f"the demo (runserver) or use --in-process") from None


class InProcess:
    """The same calls through Django's test client: no server needed."""

    def __init__(self):
        from django.test import Client

        self.client = Client(HTTP_HOST="127.0.0.1")

    def call(self, method: str, path: str, params: dict, headers: dict | None = None):
        send = self.client.get if method == "GET" else self.client.post
        response = send(API_ROOT + path, params, headers=headers or {})
        return response.status_code, json.loads(response.content or b"null")


def demo_value(attribute: dict):
    """A plausible answer to a required question of the service definition."""
    values = attribute.get("values") or []
    if values:
        return values[0]["key"]
    return {"number": "1", "datetime": "2026-01-01T12:00:00+03:00"}.get(
        attribute["datatype"], "Нет")


class Command(BaseCommand):
    help = "File a message through the Open311 API as the region's ЕПГУ integration would."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="demo", help="the jurisdiction (region code)")
        parser.add_argument("--integration", default="ЕПГУ", help="the integration's name")
        parser.add_argument("--url", default="http://127.0.0.1:8000",
                            help="the running site (default: the demo's runserver)")
        parser.add_argument("--in-process", action="store_true",
                            help="call the API through Django's test client, no server")
        parser.add_argument("--api-key", default="",
                            help="the integration's key (default: issue a new one)")
        parser.add_argument("--service", default="", help="a service_code to file")
        parser.add_argument("--media-url", default="",
                            help="a photo's address for the site to fetch (a public one)")
        parser.add_argument("--citizen", default="citizen",
                            help="the user name of the citizen (linked to the login)")

    def handle(self, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"No region {options['region']!r}: run seed_demo first.")
        integration = Integration.objects.filter(region=region,
                                                 name=options["integration"]).first()
        if integration is None:
            raise CommandError(f"The region has no integration {options['integration']!r} "
                               f"(its open311.json names it; run seed_demo).")
        if integration.is_revoked:
            raise CommandError(f"The integration {integration.name!r} is revoked.")
        key = options["api_key"]
        if not key:
            key = integration.issue_key()
            self.stdout.write(f"Issued a new key for {integration.name!r} "
                              f"(o311_{integration.key_prefix}_…); the previous one no "
                              f"longer works.")
        api = InProcess() if options["in_process"] else Http(options["url"])
        citizen = self._citizen(options["citizen"])
        service = self._service(api, region, options["service"])
        params = {
            "jurisdiction_id": region.code, "api_key": key,
            "service_code": service["service_code"], "description": DEMO_TEXT,
            "address_string": DEMO_ADDRESS, "lat": DEMO_POINT[0], "long": DEMO_POINT[1],
            **citizen, **self._attributes(api, region, service),
        }
        if options["media_url"]:
            params["media_url"] = options["media_url"]
        status, body = api.call("POST", "requests.json", params,
                                headers={"Idempotency-Key": str(uuid.uuid4())})
        if status not in (200, 201):
            raise CommandError(f"The API refused the request ({status}): {body}")
        filed = body[0]
        request_id = filed.get("service_request_id")
        self.stdout.write(f"Filed as {integration.name!r}: service_request_id={request_id}, "
                          f"token={filed.get('token')}")
        if request_id:
            status, body = api.call("GET", f"requests/{request_id}.json",
                                    {"jurisdiction_id": region.code})
            if status == 200 and body:
                shown = body[0]
                self.stdout.write(
                    f"GET requests/{request_id}.json: status={shown.get('status')}, "
                    f"agency_responsible={shown.get('agency_responsible')}, "
                    f"expected_datetime={shown.get('expected_datetime')}")
        self._describe_message(filed)

    def _citizen(self, username: str) -> dict:
        """The citizen's ЕСИА identifier and name, as the ЕПГУ passes them."""
        user = get_user_model().objects.filter(username=username).first()
        profile = CitizenProfile.objects.filter(user=user).first() if user else None
        if profile is None:
            raise CommandError(f"No citizen {username!r} linked to the login: run seed_demo.")
        return {"account_id": profile.provider_subject, "first_name": user.first_name,
                "last_name": user.last_name, "email": profile.notification_email or user.email,
                "phone": profile.phone}

    def _service(self, api, region, wanted: str) -> dict:
        status, services = api.call("GET", "services.json", {"jurisdiction_id": region.code})
        if status != 200 or not services:
            raise CommandError(f"The API lists no services ({status}): {services}")
        by_code = {service["service_code"]: service for service in services}
        if wanted:
            if wanted not in by_code:
                raise CommandError(f"The region does not offer service {wanted!r}.")
            return by_code[wanted]
        if PREFERRED_SERVICE in by_code:
            return by_code[PREFERRED_SERVICE]
        no_photo = set(Subcategory.objects.filter(code__in=by_code, photo_required=False)
                       .values_list("code", flat=True))
        return next((service for service in services if service["service_code"] in no_photo),
                    services[0])

    def _attributes(self, api, region, service: dict) -> dict:
        if not service.get("metadata"):
            return {}
        status, definition = api.call("GET", f"services/{service['service_code']}.json",
                                      {"jurisdiction_id": region.code})
        if status != 200:
            raise CommandError(f"No definition of {service['service_code']} ({status}).")
        return {f"attribute[{attribute['code']}]": demo_value(attribute)
                for attribute in definition.get("attributes", []) if attribute.get("required")}

    def _describe_message(self, filed: dict) -> None:
        token = filed.get("token")
        filing = (FiledRequest.objects.select_related("appeal", "integration")
                  .filter(token=token).first() if token else None)
        if filing is None:
            return
        appeal = filing.appeal
        self.stdout.write(
            f"Message {appeal.number}: channel “{filing.integration.channel_label}”, "
            f"addressee {appeal.organisation}, status {appeal.get_status_display()}.")
        self.stdout.write(f"Staff page: {reverse('pos_messages:detail', args=[appeal.pk])}")
