"""Real pages in a real browser: Debian's Chromium driven by Playwright, checked with axe."""

import functools
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures here
# are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PROBITY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe-core from npm (frontend/package.json's devDependencies), installed by scripts/install.
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "frontend/node_modules/axe-core/axe.min.js"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM}; .ci/run installs it with apt")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def search_index():
    """Build the search index (and load the model) once, before a page waits on it."""
    from probity.core.search import search

    search("gift")


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@functools.cache
def axe_source() -> str:
    """axe-core's script, read once; a clear failure when npm has not installed it."""
    if not AXE_SCRIPT.is_file():
        pytest.fail(
            f"axe-core is not installed ({AXE_SCRIPT} is missing): run scripts/install, "
            "which installs frontend/package.json's packages with npm",
            pytrace=False,
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


def assert_accessible(page):
    """No WCAG 2.2 AA violation that axe can find on the page as it stands."""
    # Evaluated by Playwright, not added as a <script>, so the site's CSP does not block it.
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
    )
    if results["violations"]:
        # the report alone: pytest would otherwise append the whole of axe's results
        raise AssertionError(axe_report(page.url, results["violations"]))


def axe_report(url: str, violations: list[dict]) -> str:
    """Each violation as its rule, impact and help, then the elements that break it."""
    lines = [f"axe found {len(violations)} WCAG 2.2 AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): "
            f"{violation['help']} <{violation.get('helpUrl', '')}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}")
            summary = node.get("failureSummary") or ""
            lines.extend(f"      {line.rstrip()}" for line in summary.splitlines() if line.strip())
    return "\n".join(lines)
