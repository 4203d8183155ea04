"""People answer the interview in the browser for their own situations and see the answer their
codes give: the decision, who to ask or tell, and the clauses quoted word for word.

Each expected answer is the engine's (`probity advise`) for the situation the interview builds,
which the outcome page's address holds; the journey answers only the questions the interview
asks, so a question the person could not answer fails the test by name.
"""

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

CODE_LABELS = {
    "essex-probation": "Essex Probation (Code of Conduct)",
    "hmpps-offer": "HM Prison and Probation Service employee offer",
    "moj-volunteers": "Ministry of Justice: volunteers, agency and sessional staff",
    "opcc": "Office of the Police and Crime Commissioner",
    "probation-institute": "The Probation Institute (I'm a member)",
}
# …and as the outcome page names them under "Which codes apply to you".
CODE_NAMES = {
    "essex-probation": "Essex Probation",
    "hmpps-offer": "HM Prison and Probation Service employee offer",
    "moj-volunteers": "Ministry of Justice: volunteers, agency and sessional staff",
    "opcc": "Office of the Police and Crime Commissioner",
    "probation-institute": "The Probation Institute",
}


@dataclass(frozen=True)
class Situation:
    """A person's situation as they would answer the interview, and what they should see."""

    roles: dict[str, str | None]  # code -> role label (None: the code implies the role)
    about: str  # the matter, as the "about" page words it
    answers: dict[str, str]  # question -> answer label, for any question the interview asks
    query: dict[str, str]  # the situation the outcome's address holds
    decision: str
    quotes: dict[str, str]  # clause -> words the page must quote from it
    authorities: list[str] = field(default_factory=list)
    not_in_scope: list[str] = field(default_factory=list)  # codes chosen that do not apply


SITUATIONS = {
    "essex-employee-offered-a-gift-by-a-service-user": Situation(
        roles={"essex-probation": "Employee"},
        about="I've been offered a gift",
        answers={
            "Is it of token value, such as a diary, calendar, pen or moderate refreshments?": "No",
            "Who offered it?": (
                "Someone on probation or in custody that we work with (a service user)"
            ),
        },
        query={
            "roles": "essex-probation:employee",
            "matter": "gift",
            "offered_by": "service-user",
            "nominal": "no",
        },
        decision="You must not",
        quotes={"essex-probation:7.4": "On no account should gifts be accepted from service users"},
        authorities=["Your line manager"],
    ),
    "opcc-employee-invited-to-a-sporting-event": Situation(
        roles={"opcc": "Employee"},
        about="I've been invited to an event, meal or trip",
        answers={"What is it for?": "A sporting event"},
        query={"roles": "opcc:employee", "matter": "hospitality", "purpose": "sporting"},
        decision="You must not",
        quotes={
            "opcc:15.2": "Offers to attend purely social or sporting functions should be "
            "accepted only when these are part of the life of the community",
            "opcc:15.3": "When hospitality has to be declined",
        },
    ),
    "moj-volunteer-asked-by-an-offender-to-post-a-letter": Situation(
        roles={"moj-volunteers": "Volunteer"},
        about="Someone I work with has asked me for a favour",
        answers={
            "Who is the favour for?": "An offender",
            "What have you been asked to do?": "Post a letter",
            "Have you been given specific permission to do it?": "No",
        },
        query={"roles": "moj-volunteers:volunteer", "matter": "favour", "permission_given": "no"},
        decision="Only with permission first",
        quotes={
            "moj-volunteers:must-not.3": "undertake any favours for offenders – even of the "
            "smallest kind – without first gaining specific permission"
        },
        authorities=["The person responsible for your management"],
    ),
    "essex-employee-cautioned": Situation(
        roles={"essex-probation": "Employee"},
        about="I have been convicted or cautioned",
        answers={"Was it a conviction or a caution?": "A caution"},
        query={"roles": "essex-probation:employee", "matter": "conviction"},
        decision="Go ahead, but declare it",
        quotes={
            "essex-probation:4.4": "Criminal convictions and cautions must be reported to the "
            "Chief Executive"
        },
        authorities=["The Chief Executive"],
    ),
    "essex-board-member-and-institute-member-with-a-concern-about-a-board-member": Situation(
        roles={"essex-probation": "Board member", "probation-institute": None},
        about="I want to report a concern",
        answers={
            "What is the concern about?": "A board member breaking their code",
            "Who is it about?": "A board member",
        },
        query={
            "roles": "essex-probation:board-member,probation-institute:member",
            "matter": "concern",
        },
        decision="Go ahead, but declare it",
        quotes={
            "essex-probation:board.9": "they must notify the secretary of the Probation Board "
            "as soon as reasonably practicable",
            "probation-institute:value.9.5": "Behaviour which is unacceptable must be reported "
            "through appropriate channels.",
        },
        authorities=["Your line manager", "A director", "The Secretary to the Board"],
    ),
    "opcc-employee-with-a-second-job-that-cannot-conflict": Situation(
        roles={"opcc": "Employee"},
        about="I want a second job, business or outside commitment",
        answers={
            "What kind of work is it?": "A second job",
            "Could it conflict with your work or your organisation's interests?": "No",
            "Is it for a contractor or supplier of your organisation?": "No",
        },
        query={
            "roles": "opcc:employee",
            "matter": "outside-employment",
            "could_conflict": "no",
            "with_contractor": "no",
        },
        decision="You may go ahead",
        quotes={"opcc:7.1": "should not take outside commitments which conflict"},
    ),
    "essex-employee-who-thinks-the-moj-volunteer-code-binds-them-too": Situation(
        roles={"essex-probation": "Employee", "moj-volunteers": "Employee"},
        about="I've been offered a gift",
        answers={
            "Is it of token value, such as a diary, calendar, pen or moderate refreshments?": (
                "I don't know"
            ),
            "Who offered it?": (
                "Someone on probation or in custody that we work with (a service user)"
            ),
        },
        query={
            "roles": "essex-probation:employee,moj-volunteers:employee",
            "matter": "gift",
            "offered_by": "service-user",
        },
        decision="You must not",
        quotes={"essex-probation:7.4": "On no account should gifts be accepted from service users"},
        authorities=["Your line manager"],
        not_in_scope=["moj-volunteers"],
    ),
}


def continue_(page):
    page.get_by_role("button", name="Continue").click()


def answer_the_interview(page, situation: Situation) -> None:
    page.goto("/ask/")
    page.get_by_role("button", name="Start now").click()
    page.wait_for_url("**/ask/who")
    for code in situation.roles:
        page.get_by_label(CODE_LABELS[code]).check()
    continue_(page)
    for code, role in situation.roles.items():
        if role is None:
            continue
        page.wait_for_url(f"**/ask/who/{code}")
        page.get_by_label(role, exact=True).check()
        continue_(page)
    page.wait_for_url("**/ask/about")
    page.get_by_label(situation.about, exact=True).check()
    continue_(page)

    asked = []
    while "/ask/question/" in page.url:
        question = page.locator("h1").inner_text().strip()
        assert question in situation.answers, f"asked {question!r}, which has no answer here"
        assert question not in asked, f"asked {question!r} twice"
        asked.append(question)
        page.get_by_label(situation.answers[question], exact=True).check()
        here = page.url
        continue_(page)
        page.wait_for_url(lambda url, here=here: url != here)
    page.wait_for_url("**/ask/check")
    assert page.title() == "Check your answers – Probity"
    page.get_by_role("button", name="See the answer").click()
    page.wait_for_url("**/ask/outcome?**")


@pytest.mark.parametrize("situation", SITUATIONS.values(), ids=SITUATIONS.keys())
def test_a_person_sees_the_decision_and_the_clauses_for_their_situation(page, situation):
    answer_the_interview(page, situation)

    assert dict(parse_qsl(urlsplit(page.url).query)) == situation.query
    assert page.locator(".govuk-panel__title").inner_text() == situation.decision
    assert page.title().startswith(f"{situation.decision}: ")

    main = page.locator("main")
    for clause, words in situation.quotes.items():
        quoted = main.locator(f"p:text-is('Clause {clause}') + .probity-clause-text")
        assert words in quoted.inner_text(), f"{clause} is not quoted with {words!r}"
    cited = main.locator("p:text-matches('^Clause ')").all_inner_texts()
    for code in situation.not_in_scope:
        assert not [ref for ref in cited if ref.startswith(f"Clause {code}:")]

    who = main.locator("h2:text-is('Who to ask or tell') + ul > li")
    assert who.all_inner_texts() == situation.authorities

    rows = main.locator(".govuk-summary-list__row")
    for code in situation.roles:
        row = rows.filter(has=page.locator("dt", has_text=CODE_NAMES[code]))
        expected = "Does not apply" if code in situation.not_in_scope else "Applies"
        assert row.locator("dd").inner_text().startswith(expected)

    assert_accessible(page)
