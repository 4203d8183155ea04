"""`probity entitlements [CALCULATOR --QUESTION ANSWER …]`: the offer's calculators.

Each calculator's options come from its questions, parsed only when the command runs, so the
other commands never load the entitlement rules.
"""

from __future__ import annotations

import argparse
import json

from probity.core.entitlements import CALCULATORS, calculate, calculator_get
from probity.core.entitlements.inputs import DATE_RANGES, DECIMALS
from probity.core.entitlements.result import result_text
from probity.core.errors import BadInput


def run(calculator: str | None, options: list[str], output_format: str) -> int:
    if not calculator:
        for found in CALCULATORS.values():
            print(f"{found.name:<16} {found.title} (hmpps-offer:{found.section})")
        print("\nprobity entitlements CALCULATOR --help shows a calculator's questions.")
        return 0
    found = calculator_get(calculator)
    args = _parser(found).parse_args(options)
    answers = {name: value for name, value in vars(args).items() if value is not None}
    output_format = answers.pop("format", None) or output_format
    try:
        result = calculate(found.name, answers)
    except BadInput as error:  # name the option as typed, not the Python field
        raise BadInput(f"--{error.field.replace('_', '-')}", error.message) from None
    if output_format == "json":
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(result_text(result))
    return 0


def _parser(found) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"probity entitlements {found.name}",
        description=f"{found.title}: {found.summary} (hmpps-offer:{found.section})",
    )
    for question in found.questions():
        many = question.kind in (DECIMALS, DATE_RANGES)
        hint = question.hint
        if question.choices:
            hint = f"{hint} One of: {', '.join(question.choice_values)}.".strip()
        parser.add_argument(
            f"--{question.name.replace('_', '-')}",
            dest=question.name,
            action="append" if many else "store",
            required=question.required and question.default is None,
            metavar=question.kind.upper(),
            help=f"{question.label} {hint}".strip() + (" (repeatable)" if many else ""),
        )
    parser.add_argument("--format", choices=("text", "json"))
    return parser
