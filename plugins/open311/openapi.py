"""The OpenAPI 3.0 description of the JSON side, served at /open311/v2/openapi.json.

Written by hand from the same names the views use, and checked against the running app
by tests/open311/test_schema.py (schemathesis): every response the API gives is one this
document lists, in the shape it lists.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .following import MAX_RESULTS
from .services import DATATYPES

STRING = {"type": "string"}
NULLABLE_STRING = {"type": "string", "nullable": True}
NULLABLE_NUMBER = {"type": "number", "nullable": True}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def query(name: str, description: str, *, required: bool = False, schema=None,
          example=None) -> dict:
    parameter = {"name": name, "in": "query", "required": required,
                 "description": description, "schema": schema or STRING}
    if example is not None:
        parameter["example"] = example
    return parameter


def path_parameter(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": STRING}


# A region's code is a slug.
JURISDICTION = query("jurisdiction_id", "The region's code.", required=True,
                     schema={"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
                     example="demo")
API_KEY = query("api_key", "An integration's key: its own requests show their text "
                "and place.")


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def errors(*statuses: int) -> dict:
    descriptions = {
        400: "A parameter is missing or not valid.",
        401: "The API key is missing or unknown.",
        403: "The API key is revoked, or may not do this.",
        404: "No such jurisdiction, service, request or token.",
        405: "The method is not allowed here.",
        413: "The request body is too large.",
        429: "The API key's rate limit is reached.",
    }
    return {str(status): {"description": descriptions[status],
                          "content": json_content(ref("Errors"))}
            for status in statuses}


SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"oneOf": [{"type": "integer"}, STRING]},
                       "description": STRING},
    },
    "Errors": {"type": "array", "minItems": 1, "items": ref("Error")},
    "Discovery": {
        "type": "object",
        "required": ["changeset", "contact", "key_service", "endpoints"],
        "properties": {
            "changeset": STRING, "contact": STRING, "key_service": STRING,
            "endpoints": {"type": "array", "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": STRING, "url": STRING, "changeset": STRING,
                    "type": {"type": "string", "enum": ["production", "test"]},
                    "formats": {"type": "array", "items": STRING},
                },
            }},
        },
    },
    "Service": {
        "type": "object",
        "required": ["service_code", "service_name", "description", "metadata", "type",
                     "keywords", "group"],
        "properties": {
            "service_code": STRING, "service_name": STRING, "description": STRING,
            "metadata": {"type": "boolean"},
            "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
            "keywords": STRING, "group": STRING,
        },
    },
    "ServiceDefinition": {
        "type": "object",
        "required": ["service_code", "attributes"],
        "properties": {
            "service_code": STRING,
            "attributes": {"type": "array", "items": {
                "type": "object",
                "required": ["variable", "code", "datatype", "required",
                             "datatype_description", "order", "description"],
                "properties": {
                    "variable": {"type": "boolean"}, "code": STRING,
                    "datatype": {"type": "string",
                                 "enum": sorted(set(DATATYPES.values()))},
                    "required": {"type": "boolean"}, "datatype_description": STRING,
                    "order": {"type": "integer"}, "description": STRING,
                    "values": {"type": "array", "items": {
                        "type": "object", "required": ["key", "name"],
                        "properties": {"key": STRING, "name": STRING}}},
                },
            }},
        },
    },
    "ServiceRequest": {
        "type": "object",
        "required": ["service_request_id", "status", "status_notes", "service_name",
                     "service_code", "description", "agency_responsible", "service_notice",
                     "requested_datetime", "updated_datetime", "expected_datetime",
                     "address", "address_id", "zipcode", "lat", "long", "media_url"],
        "properties": {
            "service_request_id": STRING,
            "status": {"type": "string", "enum": ["open", "closed"]},
            "status_notes": STRING, "service_name": STRING, "service_code": STRING,
            "description": NULLABLE_STRING, "agency_responsible": STRING,
            "service_notice": STRING,
            "requested_datetime": {"type": "string", "format": "date-time"},
            "updated_datetime": {"type": "string", "format": "date-time"},
            "expected_datetime": {"type": "string", "format": "date-time",
                                  "nullable": True},
            "address": NULLABLE_STRING, "address_id": NULLABLE_STRING,
            "zipcode": NULLABLE_STRING, "lat": NULLABLE_NUMBER, "long": NULLABLE_NUMBER,
            "media_url": NULLABLE_STRING,
        },
    },
    "Filed": {
        "type": "object",
        "required": ["service_request_id", "token", "service_notice", "account_id"],
        "properties": {"service_request_id": STRING, "token": STRING,
                       "service_notice": STRING, "account_id": NULLABLE_STRING},
    },
    "Token": {
        "type": "object", "required": ["service_request_id", "token"],
        "properties": {"service_request_id": STRING, "token": STRING},
    },
    "NewRequest": {
        "type": "object",
        "required": ["jurisdiction_id", "api_key", "service_code", "description"],
        "properties": {
            "jurisdiction_id": {"type": "string", "example": "demo"},
            "api_key": STRING,
            "service_code": {"type": "string", "example": "02.01"},
            "lat": STRING, "long": STRING, "address_string": STRING,
            "email": STRING, "first_name": STRING, "last_name": STRING, "phone": STRING,
            "account_id": {"type": "string",
                           "description": "The citizen's ЕСИА subject."},
            "device_id": STRING, "media_url": STRING,
            "description": {"type": "string",
                            "example": "Яма на дороге у дома 5, глубина около 20 см."},
        },
        "additionalProperties": {"type": "string"},
    },
}


def document() -> dict:
    listing = json_content({"type": "array", "items": ref("ServiceRequest")})
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "ПОС Open311 GeoReport v2",
            "version": "2",
            "description": "The JSON side of the GeoReport v2 endpoints (the same "
                           "resources answer in .xml). jurisdiction_id is a region's "
                           "code.",
        },
        "servers": [{"url": "/open311/v2"}],
        "paths": {
            "/discovery.json": {"get": {
                "operationId": "discovery",
                "responses": {"200": {"description": "The service discovery document.",
                                      "content": json_content(ref("Discovery"))}},
            }},
            "/services.json": {"get": {
                "operationId": "services",
                "parameters": [JURISDICTION],
                "responses": {"200": {"description": "The region's services.",
                                      "content": json_content(
                                          {"type": "array", "items": ref("Service")})},
                              **errors(400, 404)},
            }},
            "/services/{service_code}.json": {"get": {
                "operationId": "service_definition",
                "parameters": [path_parameter("service_code", "A subcategory's code."),
                               JURISDICTION],
                "responses": {"200": {"description": "The service's attributes.",
                                      "content": json_content(ref("ServiceDefinition"))},
                              **errors(400, 404)},
            }},
            "/requests.json": {
                "get": {
                    "operationId": "requests",
                    "parameters": [
                        JURISDICTION, API_KEY,
                        query("service_request_id", "Comma-separated ids; overrides "
                              "every other filter."),
                        query("service_code", "Comma-separated service codes."),
                        query("start_date", "ISO 8601; the search spans at most 90 days "
                              "(the last 90 by default)."),
                        query("end_date", "ISO 8601."),
                        query("status", "open, closed, or both comma-separated.",
                              schema={"type": "string",
                                      "pattern": "^(open|closed)(,(open|closed))?$"}),
                        query("page", "From 1.", schema={"type": "integer", "minimum": 1}),
                        query("page_size", f"At most {MAX_RESULTS}.",
                              schema={"type": "integer", "minimum": 1,
                                      "maximum": MAX_RESULTS}),
                    ],
                    "responses": {"200": {"description": "Matching requests, newest first.",
                                          "content": listing},
                                  **errors(400, 401, 403, 404, 429)},
                },
                "post": {
                    "operationId": "create_request",
                    "requestBody": {"required": True, "content": {
                        "application/x-www-form-urlencoded": {"schema": ref("NewRequest")}}},
                    "responses": {
                        "201": {"description": "The message is registered.",
                                "content": json_content({"type": "array",
                                                         "items": ref("Filed")})},
                        "200": {"description": "Already registered with this "
                                               "Idempotency-Key.",
                                "content": json_content({"type": "array",
                                                         "items": ref("Filed")})},
                        **errors(400, 401, 403, 404, 413, 429),
                    },
                },
            },
            "/requests/{service_request_id}.json": {"get": {
                "operationId": "request",
                "parameters": [path_parameter("service_request_id", "A message's number."),
                               JURISDICTION, API_KEY],
                "responses": {"200": {"description": "The request, as a list of one.",
                                      "content": listing},
                              **errors(400, 401, 403, 404, 429)},
            }},
            "/tokens/{token}.json": {"get": {
                "operationId": "token",
                "parameters": [path_parameter("token", "The token a POST returned."),
                               JURISDICTION],
                "responses": {"200": {"description": "The token's request id.",
                                      "content": json_content({"type": "array",
                                                               "items": ref("Token")})},
                              **errors(400, 404)},
            }},
        },
        "components": {"schemas": SCHEMAS},
    }


@require_GET
def openapi_view(request):
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False})
