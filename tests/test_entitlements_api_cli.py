"""The offer's calculators on the CLI and the API (hmpps-offer)."""

import json

import pytest

from probity.cli import main


def test_cli_annual_leave_cites_the_section(capsys):
    code = main(
        [
            "entitlements",
            "annual-leave",
            "--service-start",
            "2015-04-01",
            "--leave-year-start",
            "2025-04-01",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Annual leave: 30.00 days  [hmpps-offer:annual-leave-and-toil]" in out
    assert "Total days off: 39.00 days" in out


def test_cli_json_and_repeated_options(capsys):
    code = main(
        [
            "entitlements",
            "toil",
            "--banked",
            "3",
            "--banked",
            "4.5",
            "--taken",
            "2",
            "--format",
            "json",
        ]
    )
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    balance = next(line for line in result["lines"] if line["key"] == "balance")
    assert balance["value"] == "5.5"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            [
                "entitlements",
                "annual-leave",
                "--service-start",
                "2099-01-01",
                "--leave-year-start",
                "2025-04-01",
            ],
            "--service-start: 2099-01-01 is after today",
        ),
        (["entitlements", "toil", "--banked", "-1"], "--banked: cannot be negative"),
        (["entitlements", "shoe-size"], "calculator: unknown calculator 'shoe-size'"),
    ],
)
def test_cli_bad_input_exits_2_naming_the_option(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_cli_lists_the_calculators(capsys):
    assert main(["entitlements"]) == 0
    assert "sick-pay" in capsys.readouterr().out


def test_api_lists_calculators_with_their_questions(client):
    answer = client.get("/api/entitlements").json()
    leave = next(item for item in answer if item["name"] == "annual-leave")
    assert leave["clause"] == "hmpps-offer:annual-leave-and-toil"
    assert [q["name"] for q in leave["questions"]][:2] == ["service_start", "leave_year_start"]


def test_api_family_leave(client):
    answer = client.post(
        "/api/entitlements/family-leave",
        {"kind": "maternity", "expected_date": "2025-06-02"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    lines = {line["key"]: line for line in answer.json()["lines"]}
    assert lines["leave_end"]["value"] == "2026-05-31"
    assert lines["after_pay"]["value"] is None
    assert lines["after_pay"]["not_stated"]


def test_api_sick_pay_periods(client):
    answer = client.post(
        "/api/entitlements/sick-pay",
        {
            "terms": "modernised",
            "service_start": "2018-01-01",
            "on": "2026-01-01",
            "absences": [{"first": "2025-01-01", "last": "2025-01-05"}],
        },
        content_type="application/json",
    )
    assert {line["key"]: line["value"] for line in answer.json()["lines"]}["days_used"] == 5


def test_api_bad_input_is_422_naming_the_field(client):
    answer = client.post(
        "/api/entitlements/toil", {"banked": ["2"], "taken": ["3"]}, content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "taken"]


def test_part_time_pay_on_the_api_and_the_cli(client, capsys):
    """hmpps-offer:future-earning-potential: £32,539 for 37 hours, pro rata for 18.5."""
    answers = {"pay_year": "2023/24", "role": "prison-officer", "years_in_role": 2}
    answer = client.post(
        "/api/entitlements/pay-progression",
        {**answers, "weekly_hours": "18.5"},
        content_type="application/json",
    )
    lines = {line["key"]: line for line in answer.json()["lines"]}
    assert lines["salary_pro_rata"]["value"] == "16269.50"
    assert lines["salary_pro_rata"]["clause"] == "hmpps-offer:future-earning-potential"
    too_many = client.post(
        "/api/entitlements/pay-progression",
        {**answers, "weekly_hours": "40"},
        content_type="application/json",
    )
    assert too_many.json()["detail"][0]["loc"] == ["body", "weekly_hours"]
    code = main(
        ["entitlements", "pay-progression", "--pay-year", "2023/24", "--role", "prison-officer",
         "--years-in-role", "2", "--weekly-hours", "18.5"]
    )  # fmt: skip
    assert code == 0
    assert "pro rata for 18.5 hours a week: 16269.50 GBP" in capsys.readouterr().out
