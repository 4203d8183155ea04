"""The interview with the keyboard alone: Tab and Shift+Tab to move, Space and Enter to act, the
arrow keys within a group of radios. Every focused control shows GOV.UK's yellow focus style.
"""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

FOCUS_YELLOW = "rgb(255, 221, 0)"  # GOV.UK's focus colour, #ffdd00

# What the focused element shows: its own outline, background and shadow, and for a radio or
# checkbox (whose input is hidden under its label) the shadow drawn around the label's box.
FOCUS_STYLE = """() => {
  const element = document.activeElement;
  const own = getComputedStyle(element);
  const styles = [own.outlineColor + " " + own.outlineStyle, own.backgroundColor, own.boxShadow];
  if (element.labels && element.labels.length && /^(radio|checkbox)$/.test(element.type)) {
    const box = getComputedStyle(element.labels[0], "::before");
    styles.push(box.boxShadow, box.outlineColor);
  }
  return styles.join(" | ");
}"""

DESCRIBE_FOCUS = """() => {
  const element = document.activeElement;
  const label = element.labels && element.labels.length ? element.labels[0].innerText : "";
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    classes: element.className,
    type: element.type || "",
    checked: element.checked === true,
    text: (label || element.innerText || "").trim(),
  };
}"""


def focused(page) -> dict:
    return page.evaluate(DESCRIBE_FOCUS)


def assert_focus_visible(page) -> None:
    style = page.evaluate(FOCUS_STYLE)
    assert FOCUS_YELLOW in style, f"no yellow focus style on {focused(page)}: {style}"


def tab_to(page, text: str, *, backwards: bool = False, most: int = 40) -> dict:
    """Press Tab (or Shift+Tab) until the focused element's text or label is `text`."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(most):
        page.keyboard.press(key)
        now = focused(page)
        if now["text"] == text:
            assert_focus_visible(page)
            return now
    raise AssertionError(f"{key} never reached {text!r}")


def press_and_wait(page, key: str, url: str) -> None:
    """Press a key that loads a page (perhaps the same page again, with errors) at `url`."""
    with page.expect_navigation(url=url):
        page.keyboard.press(key)


def test_the_interview_with_the_keyboard_alone(page):
    page.goto("/")
    # The skip link is the first thing Tab reaches, and it shows when focused
    page.keyboard.press("Tab")
    assert "govuk-skip-link" in focused(page)["classes"]
    assert page.locator(".govuk-skip-link").is_visible()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main-content"
    # …and the next Tab goes on from the main content, to the start button
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Start"
    assert_focus_visible(page)
    press_and_wait(page, "Enter", "**/ask/")

    tab_to(page, "Start now")
    press_and_wait(page, "Space", "**/ask/who")

    # Continue with nothing chosen: the error summary takes focus, its link goes to the field
    tab_to(page, "Continue")
    press_and_wait(page, "Enter", "**/ask/who")
    assert "govuk-error-summary" in focused(page)["classes"]
    assert_focus_visible(page)
    assert_accessible(page)
    tab_to(page, "Select the codes of conduct that bind you")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "codes"
    assert_focus_visible(page)
    assert focused(page)["text"] == "Essex Probation (Code of Conduct)"
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    tab_to(page, "Continue")
    press_and_wait(page, "Enter", "**/ask/who/essex-probation")

    # Radios: Tab into the group, the arrow keys move between its answers and choose them
    first = tab_to(page, "Employee")
    assert not first["checked"]
    page.keyboard.press("ArrowDown")
    assert focused(page)["text"] == "Board member"
    assert focused(page)["checked"]
    assert_focus_visible(page)
    page.keyboard.press("ArrowUp")
    assert focused(page)["text"] == "Employee"
    assert focused(page)["checked"]
    assert page.locator("#role").is_checked()
    tab_to(page, "Continue")
    press_and_wait(page, "Enter", "**/ask/about")

    tab_to(page, "I've been offered a gift")
    page.keyboard.press("Space")
    assert page.get_by_label("I've been offered a gift").is_checked()
    tab_to(page, "Continue")
    press_and_wait(page, "Enter", "**/ask/question/nominal")

    # Continue without an answer: the summary again takes focus
    tab_to(page, "Continue")
    press_and_wait(page, "Enter", "**/ask/question/nominal")
    assert "govuk-error-summary" in focused(page)["classes"]
    assert_focus_visible(page)
    tab_to(page, "Yes")
    page.keyboard.press("ArrowDown")
    assert focused(page)["text"] == "No"
    assert page.get_by_label("No", exact=True).is_checked()
    # Shift+Tab leaves the group backwards, Tab comes back to the chosen answer
    tab_to(page, "Select an answer, or select ‘I don't know’", backwards=True)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "No"
    tab_to(page, "Continue")
    press_and_wait(page, "Enter", "**/ask/question/offered_by")

    tab_to(page, "Someone on probation or in custody that we work with (a service user)")
    page.keyboard.press("Space")
    tab_to(page, "Continue")
    press_and_wait(page, "Enter", "**/ask/check")

    # A link styled as a button: GOV.UK Frontend lets Space press it, as it would a button
    tab_to(page, "See the answer")
    press_and_wait(page, "Space", "**/ask/outcome?**")
    assert page.locator(".govuk-panel__title").inner_text() == "You must not"
    assert "essex-probation:7.4" in page.locator("main").inner_text()

    # Links show the focus style too, and Enter follows them
    tab_to(page, "essex-probation:7.4")
    press_and_wait(page, "Enter", "**/codes/essex-probation/7.4")
    assert page.get_by_role("heading", level=1).inner_text() == "Clause 7.4"
