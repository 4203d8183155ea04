"""The API keeps the promises of its own OpenAPI document, whatever a client sends.

schemathesis reads /api/openapi.json from the WSGI application (no network, no server) and
sends generated requests to every operation, valid and invalid: no answer may be a server
error, and every answer must have a documented status code, content type and shape.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure here is never a fluke
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case):
    case.call_and_validate()
