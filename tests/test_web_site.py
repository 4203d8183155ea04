"""The site as a browser sees it without JavaScript: pages, headers, security."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_offers_the_ways_in(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Live by your code of conduct" in page
    assert 'href="/ask"' in page
    assert 'class="govuk-skip-link"' in page
    assert "govuk-phase-banner" in page


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_the_only_inline_script_carries_the_policy_nonce(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()


def test_styles_are_served_locally_never_from_a_cdn(client):
    page = client.get("/").content.decode()
    assert "/static/govuk/probity.css" in page
    assert "https://" not in page.split("<body")[0]
