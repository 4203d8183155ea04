"""The accessibility check itself: axe-core from npm finds real violations and reports them."""

import json

import pytest

from tests.browser import conftest
from tests.browser.conftest import assert_accessible

BROKEN = """<!DOCTYPE html><html><head><title>Broken</title></head><body>
<main><img src="data:," id="photo"><a href="/somewhere" id="nowhere"></a></main>
</body></html>"""


@pytest.fixture
def blank_page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def test_axe_reports_each_violation_with_its_rule_impact_help_and_elements(blank_page):
    blank_page.set_content(BROKEN)
    with pytest.raises(AssertionError) as failure:
        assert_accessible(blank_page)
    report = str(failure.value)
    assert "WCAG 2.2 AA violation" in report
    assert "- image-alt (critical): Images must have alternative text" in report
    assert "\n    #photo\n      Fix any of the following:\n" in report
    assert "- link-name (serious): Links must have discernible text" in report
    assert "\n    #nowhere\n" in report
    assert "- html-has-lang (serious)" in report
    # axe-core is npm's, at the version frontend/package.json pins
    package = json.loads((conftest.AXE_SCRIPT.parents[2] / "package.json").read_text())
    assert blank_page.evaluate("axe.version") == package["devDependencies"]["axe-core"]


def test_a_page_without_violations_passes(blank_page):
    blank_page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>Fine</title></head>'
        "<body><main><h1>Fine</h1><p>Nothing wrong here.</p></main></body></html>"
    )
    assert_accessible(blank_page)


def test_a_missing_axe_core_says_to_run_the_install(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "AXE_SCRIPT", tmp_path / "axe.min.js")
    conftest.axe_source.cache_clear()
    try:
        with pytest.raises(pytest.fail.Exception, match="run scripts/install"):
            conftest.axe_source()
    finally:
        conftest.axe_source.cache_clear()
