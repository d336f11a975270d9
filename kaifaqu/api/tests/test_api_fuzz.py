"""Schemathesis over the OpenAPI schema, against the WSGI app: every read-only operation,
anonymous and with a staff member's token, answers no server error and nothing the schema
does not describe. Few examples, derandomized: the same cases every run, in about a minute."""

from __future__ import annotations

import json

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from kaifaqu.config.wsgi import application

#: No server error, and every documented answer as the schema says. (A refusal the schema
#: does not list, 401/403 to an anonymous caller or 404 for an id made up, is not a finding.)
CHECKS = [not_a_server_error, response_schema_conformance]


def _schema() -> schemathesis.BaseSchema:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(generated)))
    loaded.app = application
    return loaded


schema = _schema().include(method="GET")

FUZZ = settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _one_connection():
    """The WSGI app closes the database connection after each request; the test's transaction
    (the demo, rolled back at the end) lives on it, so, as Django's test client does, not here."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(demo) -> str:
    from rest_framework.authtoken.models import Token

    key, _ = Token.objects.get_or_create(user=demo.users["admin"])
    return key.key


@schema.parametrize()
@FUZZ
def test_anonymous(demo, case):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_staff(token, case):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


def _real_ids(demo) -> dict[str, dict[str, str]]:
    """Path parameters of records that exist: made-up ids only reach 404."""
    from kaifaqu.carriers import selectors as carriers
    from kaifaqu.carriers.models import BuildingUnit, LandParcel
    from kaifaqu.portal.models import Policy, PolicyStatus

    parcel = LandParcel.objects.order_by("code").first()
    unit = BuildingUnit.objects.order_by("pk").first()
    policy = Policy.objects.filter(status=PolicyStatus.PUBLISHED).order_by("pk").first()
    offered = carriers.land_on_offer().order_by("pk").first()
    assert parcel is not None
    assert offered is not None
    assert unit is not None
    assert policy is not None
    return {
        "/api/v1/land-parcels/{code}/": {"code": parcel.code},
        "/api/v1/land-parcels/{code}/history/": {"code": parcel.code},
        "/api/v1/building-units/{id}/": {"id": str(unit.pk)},
        "/api/v1/building-units/{id}/history/": {"id": str(unit.pk)},
        "/api/v1/orgunits/{code}/": {"code": "371400"},
        "/api/v1/portal/policies/{id}/": {"id": str(policy.pk)},
        "/api/v1/portal/carriers/{id}/": {"id": f"land-{offered.pk}"},
    }


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/land-parcels/{code}/",
        "/api/v1/land-parcels/{code}/history/",
        "/api/v1/building-units/{id}/",
        "/api/v1/building-units/{id}/history/",
        "/api/v1/orgunits/{code}/",
        "/api/v1/portal/policies/{id}/",
        "/api/v1/portal/carriers/{id}/",
    ],
)
def test_a_record_that_exists_is_as_the_schema_says(demo, token, path):
    case = schema[path]["GET"].Case(path_parameters=_real_ids(demo)[path])

    response = case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

    assert response.status_code == 200
