"""Every endpoint of /open311/v2/ in both formats, and the spec's error list for each
error case, with its HTTP status."""

from __future__ import annotations

import pytest

from cms import regiontime
from cms.models import Region
from plugins.open311.models import Integration
from tests import factories

from .api_support import *
from .api_support import SERVICE, body, filing_data, post, url, xml_errors

FORMATS = ("json", "xml")


def errors_of(response) -> list[tuple[str, str]]:
    parsed = body(response)
    if isinstance(parsed, list):
        return [(str(entry["code"]), entry["description"]) for entry in parsed]
    return xml_errors(parsed)


def assert_error(response, status: int, words: str = ""):
    assert response.status_code == status, response.content
    errors = errors_of(response)
    assert errors and errors[0][0] == str(status)
    assert words in errors[0][1]


# --- discovery and services ------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_lists_the_endpoint_and_both_formats(client, db, fmt):
    response = client.get(url("discovery", fmt))
    assert response.status_code == 200
    parsed = body(response)
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        endpoint = parsed["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"] == "http://testserver/open311/v2/"
        assert endpoint["formats"] == ["text/xml", "application/json"]
    else:
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        assert parsed.tag == "discovery"
        endpoint = parsed.find("endpoints/endpoint")
        assert endpoint.findtext("url") == "http://testserver/open311/v2/"
        assert [f.text for f in endpoint.findall("formats/format")] == [
            "text/xml", "application/json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_subcategories_the_pages_offer(client, general, fmt):
    response = client.get(url("services", fmt), {"jurisdiction_id": "demo"})
    assert response.status_code == 200
    parsed = body(response)
    if fmt == "xml":
        assert parsed.tag == "services"
        parsed = [{child.tag: child.text for child in service}
                  for service in parsed.findall("service")]
    by_code = {service["service_code"]: service for service in parsed}
    service = by_code[SERVICE]
    assert service["group"] == factories.subcategory(SERVICE).category.name
    assert str(service["metadata"]).lower() == "true"  # the general page asks a question
    assert service["type"] == "realtime"
    assert service["service_name"] and service["keywords"]
    # The general page offers every visible category: the whole classifier, once each.
    assert len(by_code) == len(parsed)


def test_a_category_no_page_offers_is_no_service(client, general, roads_only):
    codes = [s["service_code"] for s in body(client.get(url("services"),
                                                        {"jurisdiction_id": "demo"}))]
    assert codes and all(code.startswith("01.") for code in codes)


@pytest.fixture
def roads_only(general):
    """Only the roads page stays live (category 01, no extra question)."""
    general.unpublish()


def test_a_service_of_a_page_without_questions_has_no_metadata(client, roads_only):
    services = body(client.get(url("services"), {"jurisdiction_id": "demo"}))
    assert {s["metadata"] for s in services} == {False}
    definition = body(client.get(url("service", service_code="01.01"),
                                 {"jurisdiction_id": "demo"}))
    assert definition == {"service_code": "01.01", "attributes": []}


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_lists_the_pages_questions(client, general, fmt):
    response = client.get(url("service", fmt, service_code=SERVICE),
                          {"jurisdiction_id": "demo"})
    assert response.status_code == 200
    parsed = body(response)
    if fmt == "json":
        (attribute,) = parsed["attributes"]
        assert parsed["service_code"] == SERVICE
        assert attribute["datatype"] == "singlevaluelist"
        assert attribute["required"] is False and attribute["variable"] is True
        assert attribute["description"] == "Обращались ли вы по этому вопросу раньше?"
        assert attribute["values"] == [{"key": "Да", "name": "Да"},
                                       {"key": "Нет", "name": "Нет"}]
    else:
        assert parsed.tag == "service_definition"
        attribute = parsed.find("attributes/attribute")
        assert attribute.findtext("datatype") == "singlevaluelist"
        assert attribute.findtext("required") == "false"
        assert [v.findtext("key") for v in attribute.findall("values/value")] == ["Да", "Нет"]


def test_every_question_type_has_the_specs_datatype(client, general):
    from cms.portal.models import SubmissionPageField

    for label, field_type, choices in [("Сколько ям", "number", ""),
                                       ("Когда заметили", "date", ""),
                                       ("Подробности", "multiline", ""),
                                       ("Что повреждено", "checkboxes", "Асфальт\nБордюр"),
                                       ("Срочно", "checkbox", "")]:
        SubmissionPageField.objects.create(page=general, label=label, field_type=field_type,
                                           choices=choices, required=False)
    attributes = body(client.get(url("service", service_code=SERVICE),
                                 {"jurisdiction_id": "demo"}))["attributes"]
    datatypes = {a["description"]: a["datatype"] for a in attributes}
    assert datatypes == {"Обращались ли вы по этому вопросу раньше?": "singlevaluelist",
                         "Сколько ям": "number", "Когда заметили": "datetime",
                         "Подробности": "text", "Что повреждено": "multivaluelist",
                         "Срочно": "singlevaluelist"}
    assert [a["order"] for a in attributes] == [1, 2, 3, 4, 5, 6]


# --- filing, tokens, one request --------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_files_a_message_and_answers_its_id_token_and_notice(client, epgu, fmt):
    response = post(client, epgu[1], fmt)
    assert response.status_code == 201, response.content
    parsed = body(response)
    if fmt == "json":
        (entry,) = parsed
    else:
        assert parsed.tag == "service_requests"
        entry = {child.tag: child.text for child in parsed.find("request")}
    assert entry["service_request_id"].startswith("DEMO-")
    filing = epgu[0].filed_requests.select_related("appeal__region").get()
    assert str(filing.token) == entry["token"]
    assert filing.appeal.number == entry["service_request_id"]
    # The deadline, on the region's clock.
    appeal = filing.appeal
    assert regiontime.format_datetime(appeal.deadline, appeal.region) in entry["service_notice"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_gives_the_request_id(client, epgu, fmt):
    (filed,) = body(post(client, epgu[1]))
    response = client.get(url("token", fmt, token=filed["token"]), {"jurisdiction_id": "demo"})
    assert response.status_code == 200
    parsed = body(response)
    if fmt == "xml":
        parsed = [{child.tag: child.text for child in parsed.find("request")}]
    assert parsed == [{"service_request_id": filed["service_request_id"],
                       "token": filed["token"]}]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("token", ["8a7c7d2e-0000-4000-8000-000000000000", "not-a-token"])
def test_unknown_token_is_404(client, epgu, fmt, token):
    assert_error(client.get(url("token", fmt, token=token), {"jurisdiction_id": "demo"}),
                 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_by_id(client, epgu, fmt):
    (filed,) = body(post(client, epgu[1]))
    response = client.get(url("request", fmt, request_id=filed["service_request_id"]),
                          {"jurisdiction_id": "demo"})
    assert response.status_code == 200
    parsed = body(response)
    if fmt == "json":
        (entry,) = parsed
    else:
        assert parsed.tag == "service_requests"
        (request,) = parsed.findall("request")
        entry = {child.tag: child.text for child in request}
    assert entry["service_request_id"] == filed["service_request_id"]
    assert entry["status"] == "open"
    assert entry["service_code"] == SERVICE


@pytest.mark.parametrize("fmt", FORMATS)
def test_request_list(client, epgu, fmt):
    (filed,) = body(post(client, epgu[1]))
    response = client.get(url("requests", fmt), {"jurisdiction_id": "demo"})
    assert response.status_code == 200
    parsed = body(response)
    ids = ([entry["service_request_id"] for entry in parsed] if fmt == "json" else
           [r.findtext("service_request_id") for r in parsed.findall("request")])
    assert filed["service_request_id"] in ids


def test_openapi_description_is_served(client, db):
    response = client.get("/open311/v2/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/requests.json" in document["paths"]


# --- the spec's errors, in both formats --------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_jurisdiction_is_400(client, db, fmt):
    assert_error(client.get(url("services", fmt)), 400, "jurisdiction_id")


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_jurisdiction_is_404(client, db, fmt):
    assert_error(client.get(url("services", fmt), {"jurisdiction_id": "atlantis"}), 404)


def test_a_region_that_switched_the_plugin_off_is_no_jurisdiction(client, general, demo):
    Region.objects.filter(pk=demo.pk).update(disabled_plugins=["open311"])
    assert_error(client.get(url("services"), {"jurisdiction_id": "demo"}), 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_code_is_404(client, general, fmt):
    assert_error(client.get(url("service", fmt, service_code="99.99"),
                            {"jurisdiction_id": "demo"}), 404, "99.99")


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_request_id_is_404(client, general, fmt):
    assert_error(client.get(url("request", fmt, request_id="DEMO-2000-000001"),
                            {"jurisdiction_id": "demo"}), 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_without_key_is_401(client, epgu, fmt):
    assert_error(post(client, "", fmt), 401)


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_with_unknown_key_is_401(client, epgu, fmt):
    assert_error(post(client, "o311_deadbeef_nope", fmt), 401)


@pytest.mark.parametrize("fmt", FORMATS)
def test_revoked_key_is_403(client, epgu, fmt):
    epgu[0].revoke()
    assert_error(post(client, epgu[1], fmt), 403)


def test_key_of_another_jurisdiction_is_403(client, epgu):
    from tests.workflow.builders import other_region

    other = other_region()
    integration = Integration.objects.create(region=other, name="Город", channel_label="API",
                                             vouches_for_esia=True)
    assert_error(post(client, integration.issue_key()), 403)


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_out_of_the_keys_scope_is_403(client, epgu, fmt):
    epgu[0].services.set([factories.subcategory("01.02")])
    assert_error(post(client, epgu[1], fmt), 403)


def test_an_integration_that_does_not_vouch_for_esia_is_refused(client, epgu):
    Integration.objects.filter(pk=epgu[0].pk).update(vouches_for_esia=False)
    assert_error(post(client, epgu[1]), 403)


@pytest.mark.parametrize("fmt", FORMATS)
def test_rate_limit_is_429_with_retry_after(client, epgu, fmt):
    Integration.objects.filter(pk=epgu[0].pk).update(rate_per_minute=1)
    assert post(client, epgu[1], fmt).status_code == 201
    response = post(client, epgu[1], fmt)
    assert_error(response, 429)
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("fields, words", [
    ({"service_code": ""}, "service_code"),
    ({"description": ""}, "description"),
    ({"lat": "", "long": "", "address_string": ""}, "lat"),
    ({"account_id": ""}, "account_id"),
    ({"lat": "север", "long": "37.6"}, ""),
    ({"description": "x" * 5001}, "description"),
    ({"attribute[obrashchalis_li_vy_po_etomu_voprosu_ranshe]": "Может быть"},
     "attribute[obrashchalis_li_vy_po_etomu_voprosu_ranshe]"),
    ({"attribute[nope]": "1"}, "attribute[nope]"),
])
def test_invalid_post_is_400(client, epgu, fmt, fields, words):
    assert_error(post(client, epgu[1], fmt, **fields), 400, words)


def test_post_of_a_service_that_needs_a_photo_without_media_is_400(client, epgu):
    assert_error(post(client, epgu[1], service_code="01.01"), 400, "media_url")


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_to_unknown_service_is_404(client, epgu, fmt):
    assert_error(post(client, epgu[1], fmt, service_code="99.99"), 404)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("params, words", [
    ({"start_date": "вчера"}, "start_date"),
    ({"end_date": "2026-13-45T00:00:00Z"}, "end_date"),
    ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90"),
    ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, "end_date"),
    ({"status": "pending"}, "status"),
    ({"page": "0"}, "page"),
    ({"page_size": "1001"}, "page_size"),
    ({"service_code": "01.01\x00"}, "NUL"),
])
def test_invalid_search_is_400(client, general, fmt, params, words):
    assert_error(client.get(url("requests", fmt), {"jurisdiction_id": "demo", **params}),
                 400, words)


def test_get_with_an_unknown_key_is_401(client, general):
    assert_error(client.get(url("requests"), {"jurisdiction_id": "demo",
                                              "api_key": "o311_deadbeef_nope"}), 401)


@pytest.mark.parametrize("fmt", FORMATS)
def test_other_methods_are_405_with_allow(client, general, fmt):
    response = client.put(url("requests", fmt), {"jurisdiction_id": "demo"})
    assert_error(response, 405)
    assert response["Allow"] == "GET, POST"
    assert client.delete(url("services", fmt))["Allow"] == "GET"


def test_post_needs_no_csrf_token(epgu):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url("requests"), filing_data(epgu[1])).status_code == 201


def test_english_under_en_prefix(client, epgu):
    response = client.get("/en" + url("service", service_code="99.99"),
                          {"jurisdiction_id": "demo"})
    assert response.json()[0]["description"] == "Unknown service_code: 99.99."
