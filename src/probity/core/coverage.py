"""Which clauses impose a duty that no rule cites: the gaps a policy owner should look at."""

from __future__ import annotations

import re

from probity.core.codes import Clause, load_codes
from probity.core.rules import all_rules, rules_for

# Words by which these codes impose a duty. A clause that merely describes (a foreword, a
# value statement) has none of them, so it is not counted as a gap.
DUTY = re.compile(
    r"\b(must|should|shall|required to|are expected|is expected|are to|not acceptable|"
    r"on no account|not permitted|have an obligation|has a duty|have a duty)\b",
    re.IGNORECASE,
)


def imposes_duty(clause: Clause) -> bool:
    return bool(DUTY.search(clause.text))


def uncited_duties() -> list[Clause]:
    cited = {citation["clause"] for rule in all_rules() for citation in rule.citations}
    for code_id in load_codes():
        advice = rules_for(code_id).advice
        if advice:
            cited.update(citation["clause"] for citation in advice.citations)
    return [
        clause
        for code in load_codes().values()
        for clause in code.clauses.values()
        if imposes_duty(clause) and clause.ref not in cited
    ]
