"""The offer's entitlement calculators against the figures in the offer (hmpps-offer)."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probity.core.codes import load_code
from probity.core.datafiles import data_names, read_yaml
from probity.core.entitlements import CALCULATORS, calculate
from probity.core.entitlements.annual_leave import annual_leave
from probity.core.entitlements.pay import pay_progression
from probity.core.entitlements.rules import rules_for
from probity.core.entitlements.sick_pay import sick_pay_remaining
from probity.core.errors import BadInput

D = Decimal
TODAY = datetime.date(2026, 11, 23)
OFFER = load_code("hmpps-offer")


def _leave(**answers):
    return calculate("annual-leave", answers, today=TODAY)


# --- every value quotes its section ------------------------------------------------------------


def _quoted_values():
    for name in data_names("entitlements"):
        for version in read_yaml(f"entitlements/{name}.yaml")["versions"]:
            for key, spec in version["values"].items():
                yield name, key, spec


@pytest.mark.parametrize(("calculator", "key", "spec"), list(_quoted_values()))
def test_every_rule_quotes_the_offer_section_it_cites(calculator, key, spec):
    section = OFFER.clause(spec["section"])
    assert spec["quote"] in section.text, f"{calculator}.{key} misquotes {section.ref}"
    if spec["value"] is None:
        assert spec["not_stated"], f"{calculator}.{key} is null without saying what is missing"


# --- annual leave (hmpps-offer:annual-leave-and-toil) --------------------------------------------


@pytest.mark.parametrize(
    ("service_start", "leave_year_start", "hours", "annual", "total"),
    [
        # "25 days’ annual holiday ... eight public holidays, and one extra privilege day"
        ("2020-04-01", "2025-04-01", "37", "25.00", "34.00"),
        # "rising to 30 days after 10 years’ service": exactly 10 years on the first day
        ("2015-04-01", "2025-04-01", "37", "30.00", "39.00"),
        # one day short of 10 years
        ("2015-04-02", "2025-04-01", "37", "25.00", "34.00"),
        # part time, 18.5 of 37 hours: half of everything
        ("2020-04-01", "2025-04-01", "18.5", "12.50", "17.00"),
        # part time, 30 of 37 hours after 10 years
        ("2010-01-01", "2025-04-01", "30", "24.32", "31.62"),
    ],
)
def test_annual_leave_by_service_and_hours(service_start, leave_year_start, hours, annual, total):
    result = _leave(
        service_start=service_start, leave_year_start=leave_year_start, weekly_hours=hours
    )
    assert result.value("annual_days") == D(annual)
    assert result.value("total_days") == D(total)
    assert result.line("annual_days").clause == "hmpps-offer:annual-leave-and-toil"


def test_annual_leave_for_a_joiner_half_way_through_a_leap_leave_year():
    # 2024-01-01 to 2024-12-31 has 366 days; joining on 2024-07-02 serves 183 of them
    result = _leave(service_start="2024-07-02", leave_year_start="2024-01-01")
    assert result.value("year_share") == D("0.50")
    assert result.value("total_days") == D("17.00")  # 34 × 183/366


def test_annual_leave_for_a_leaver():
    result = _leave(
        service_start="2000-01-01", leave_year_start="2025-04-01", leaving_date="2025-09-30"
    )
    assert result.value("total_days") == D("19.55")  # 39 × 183/365


def test_service_from_29_february_completes_ten_years_on_1_march():
    before = _leave(service_start="2016-02-29", leave_year_start="2026-02-28")
    after = _leave(service_start="2016-02-29", leave_year_start="2026-03-01")
    assert before.value("annual_days") == D("25.00")
    assert after.value("annual_days") == D("30.00")


def test_annual_leave_says_how_public_holidays_worked_are_taken():
    notes = " ".join(
        note.quote
        for note in _leave(service_start="2020-01-01", leave_year_start="2025-01-01").notes
    )
    assert "take the leave on a different day" in notes


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"service_start": "2027-01-01", "leave_year_start": "2026-04-01"}, "service_start"),
        (
            {"service_start": "2020-01-01", "leave_year_start": "2025-04-01", "weekly_hours": "-3"},
            "weekly_hours",
        ),
        (
            {"service_start": "2020-01-01", "leave_year_start": "2025-04-01", "weekly_hours": "40"},
            "weekly_hours",
        ),
        ({"service_start": "2020-01-01", "leave_year_start": "2025-02-30"}, "leave_year_start"),
        ({"service_start": "2020-01-01", "leave_year_start": "2018-04-01"}, "leave_year_start"),
        (
            {
                "service_start": "2020-01-01",
                "leave_year_start": "2025-04-01",
                "leaving_date": "2025-01-01",
            },
            "leaving_date",
        ),
        ({"service_start": "2020-01-01"}, "leave_year_start"),
    ],
)
def test_annual_leave_bad_input_names_the_field(answers, field):
    with pytest.raises(BadInput) as caught:
        _leave(**answers)
    assert caught.value.field == field


days = st.dates(datetime.date(1980, 1, 1), datetime.date(2026, 11, 23))
hours = st.decimals(D("0.5"), D("37"), places=1)


@settings(max_examples=60, deadline=None)
@given(earlier=days, later=days, weekly=hours)
def test_leave_never_decreases_with_service(earlier, later, weekly):
    earlier, later = sorted((earlier, later))
    year = datetime.date(2026, 4, 1)
    if later > datetime.date(2027, 3, 31):
        return
    longer = annual_leave(
        service_start=earlier, leave_year_start=year, weekly_hours=weekly, today=TODAY
    )
    shorter = annual_leave(
        service_start=later, leave_year_start=year, weekly_hours=weekly, today=TODAY
    )
    assert longer.value("total_days") >= shorter.value("total_days")


@settings(max_examples=60, deadline=None)
@given(start=st.dates(datetime.date(1980, 1, 1), datetime.date(2026, 3, 31)), weekly=hours)
def test_pro_rata_never_exceeds_full_time(start, weekly):
    year = datetime.date(2025, 4, 1)
    part = annual_leave(
        service_start=start, leave_year_start=year, weekly_hours=weekly, today=TODAY
    )
    full = annual_leave(service_start=start, leave_year_start=year, today=TODAY)
    assert part.value("total_days") <= full.value("total_days")


# --- TOIL ------------------------------------------------------------------------------------


def test_toil_balance_is_banked_less_taken_and_never_expires():
    result = calculate("toil", {"banked": "7.5, 3", "taken": ["4"]})
    assert result.value("balance") == D("6.5")
    assert result.value("expires") == "never"
    assert "do not expire" in result.line("expires").quote  # hmpps-offer:annual-leave-and-toil


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"banked": "-2"}, "banked"),
        ({"banked": "2", "taken": "3"}, "taken"),
        ({"banked": "two"}, "banked"),
    ],
)
def test_toil_bad_input(answers, field):
    with pytest.raises(BadInput) as caught:
        calculate("toil", answers)
    assert caught.value.field == field


# --- sick pay (hmpps-offer:sick-pay) -----------------------------------------------------------


def test_sick_pay_gives_the_ceiling_and_says_the_bands_are_not_stated():
    result = calculate(
        "sick-pay",
        {
            "terms": "modernised",
            "service_start": "2018-01-01",
            "on": "2026-11-23",
            "absences": "2022-11-20..2022-11-30\n2024-01-01 to 2024-01-10, 2024-01-05..2024-01-12",
        },
        today=TODAY,
    )
    assert result.value("maximum_months") == D(10)  # "up to a maximum of 10 months"
    assert result.value("window") == "2022-11-24 to 2026-11-23"  # "four-year rolling period"
    assert result.value("days_used") == 7 + 12  # the window's days, overlaps counted once
    assert result.value("band_months") is None
    assert "does not state" in result.line("band_months").not_stated
    assert result.value("remaining") == "at most 10 months less 19 days"


def test_sick_pay_uses_configured_bands_once_a_policy_owner_enters_them():
    rules = rules_for("sick-pay", TODAY)
    configured = type(rules)(
        rules.calculator,
        rules.valid_from,
        rules.values,
        {"service_bands": [{"from_years": 0, "months": 1}, {"from_years": 5, "months": 12}]},
    )
    short = sick_pay_remaining(
        terms="modernised", service_start=datetime.date(2024, 1, 1), today=TODAY, rules=configured
    )
    long = sick_pay_remaining(
        terms="modernised", service_start=datetime.date(2015, 1, 1), today=TODAY, rules=configured
    )
    assert short.value("band_months") == D(1)
    assert long.value("band_months") == D(10)  # a band never exceeds the offer's ceiling
    assert long.value("remaining") == "10 months less 0 days"


def test_sick_pay_on_pre_modernised_terms_is_not_stated():
    result = calculate(
        "sick-pay", {"terms": "pre-modernised", "service_start": "2001-01-01"}, today=TODAY
    )
    assert result.value("entitlement") is None
    assert result.line("entitlement").clause == "hmpps-offer:sick-pay"


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"terms": "probation", "service_start": "2020-01-01"}, "terms"),
        ({"terms": "modernised", "service_start": "2030-01-01"}, "service_start"),
        (
            {
                "terms": "modernised",
                "service_start": "2020-01-01",
                "absences": "2024-01-10..2024-01-01",
            },
            "absences",
        ),
        (
            {"terms": "modernised", "service_start": "2020-01-01", "absences": "2024-01-10"},
            "absences",
        ),
    ],
)
def test_sick_pay_bad_input(answers, field):
    with pytest.raises(BadInput) as caught:
        calculate("sick-pay", answers, today=TODAY)
    assert caught.value.field == field


# --- family leave (hmpps-offer:family-leave) ---------------------------------------------------


def test_maternity_leave_is_52_weeks_with_26_at_contractual_pay():
    result = calculate("family-leave", {"kind": "maternity", "expected_date": "2025-06-02"})
    assert result.value("leave_weeks") == D(52)
    assert result.value("paid_until") == datetime.date(2025, 11, 30)  # 26 weeks less a day
    assert result.value("leave_end") == datetime.date(2026, 5, 31)
    assert result.value("after_pay") is None


def test_adoption_leave_counts_from_the_placement_date():
    result = calculate("family-leave", {"kind": "adoption", "expected_date": "2024-02-29"})
    assert result.value("leave_end") == datetime.date(2025, 2, 26)  # 364 days on, leap year


def test_a_due_date_near_the_end_of_a_leave_year_splits_leave_across_two_years():
    result = calculate(
        "family-leave",
        {"kind": "maternity", "expected_date": "2025-03-14", "leave_year_start": "2025-04-01"},
    )
    assert result.value("leave_year_2024-04-01") == 18  # 14 to 31 March 2025
    assert result.value("leave_year_2025-04-01") == 346  # to 12 March 2026
    assert 18 + 346 == 52 * 7


def test_shared_parental_leave_shares_what_is_left_of_52_weeks_and_26_paid():
    result = calculate(
        "family-leave",
        {"kind": "shared-parental", "expected_date": "2025-06-02", "weeks_taken": "10"},
    )
    assert result.value("weeks_to_share") == D(42)
    assert result.value("paid_weeks_to_share") == D(16)


def test_maternity_support_leave_is_two_weeks_at_contractual_pay():
    result = calculate("family-leave", {"kind": "maternity-support", "expected_date": "2025-06-02"})
    assert result.value("leave_weeks") == D(2)
    assert result.value("leave_end") == datetime.date(2025, 6, 15)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"kind": "paternity", "expected_date": "2025-06-02"}, "kind"),
        ({"kind": "shared-parental", "expected_date": "2025-06-02"}, "weeks_taken"),
        (
            {"kind": "shared-parental", "expected_date": "2025-06-02", "weeks_taken": "53"},
            "weeks_taken",
        ),
        ({"kind": "maternity", "expected_date": "2020-01-01"}, "expected_date"),
    ],
)
def test_family_leave_bad_input(answers, field):
    with pytest.raises(BadInput) as caught:
        calculate("family-leave", answers)
    assert caught.value.field == field


# --- pay progression (hmpps-offer:future-earning-potential) ------------------------------------


@pytest.mark.parametrize(("years", "salary"), [(0, "30902"), (1, None), (2, "32539"), (3, None)])
def test_prison_officer_2023_24_pay(years, salary):
    result = calculate(
        "pay-progression", {"pay_year": "2023/24", "role": "prison-officer", "years_in_role": years}
    )
    assert result.value("salary") == (D(salary) if salary else None)
    if salary is None:
        assert "does not state" in result.line("salary").not_stated


@pytest.mark.parametrize(
    ("hours", "years", "salary"),
    [
        ("37", 2, None),  # full time: the table's own figures, no pro rata lines
        ("30", 0, "25055.68"),  # 30902 × 30/37 = 25055.675…, to the penny
        ("30", 2, "26382.97"),  # 32539 × 30/37
        ("18.5", 0, "15451.00"),  # half time
        ("18.5", 2, "16269.50"),
        ("22.2", 2, "19523.40"),  # 0.6 of full time
        ("36.99", 0, "30893.65"),
        ("30", 1, None),  # the offer states no figure for year 1, so neither pro rata
    ],
)
def test_part_time_pay_is_pro_rata_to_37_hours(hours, years, salary):
    """hmpps-offer:future-earning-potential: the 2023/24 rates are 'working 37 hours a week';
    pro rata for fewer hours is the calculator's reading, and the result says so."""
    result = calculate(
        "pay-progression",
        {"pay_year": "2023/24", "role": "prison-officer", "years_in_role": years,
         "weekly_hours": hours},
    )  # fmt: skip
    keys = {line.key for line in result.lines}
    if hours == "37":
        assert "salary_pro_rata" not in keys
        assert not any("pro rata" in note.text for note in result.notes)
        return
    assert result.value("salary_pro_rata" if years else "starting_salary_pro_rata") == (
        D(salary) if salary else None
    )
    assert result.line("salary_pro_rata").clause == "hmpps-offer:future-earning-potential"
    [reading] = [note for note in result.notes if "pro rata" in note.text]
    assert "not the offer's words" in reading.text
    assert reading.clause == "hmpps-offer:future-earning-potential"


def test_part_time_pay_is_not_stated_once_the_pro_rata_reading_is_withdrawn():
    """data/entitlements/pay-progression.yaml's part_time is configuration, not the offer."""
    rules = rules_for("pay-progression", datetime.date(2023, 4, 1))
    values = {**rules.values, "part_time": rules["part_time"]._replace(value=None)}
    withdrawn = type(rules)(rules.calculator, rules.valid_from, values, rules.tables)
    result = pay_progression(
        pay_year="2023/24", role="prison-officer", years_in_role=2, weekly_hours=D("18.5"),
        rules=withdrawn,
    )  # fmt: skip
    assert result.value("salary_pro_rata") is None
    assert "does not say how pay for fewer hours" in result.line("salary_pro_rata").not_stated


@given(hours=st.decimals(min_value="0.01", max_value="37", places=2))
def test_pro_rata_pay_never_exceeds_full_time(hours):
    result = calculate(
        "pay-progression",
        {
            "pay_year": "2023/24",
            "role": "prison-officer",
            "years_in_role": 2,
            "weekly_hours": hours,
        },
    )
    pro_rata = [line.value for line in result.lines if line.key == "salary_pro_rata"]
    assert all(0 < value <= result.value("salary") for value in pro_rata)


@pytest.mark.parametrize("hours", ["0", "-5", "37.5", "forty"])
def test_part_time_hours_out_of_range_name_the_field(hours):
    with pytest.raises(BadInput) as caught:
        calculate(
            "pay-progression",
            {"pay_year": "2023/24", "role": "prison-officer", "years_in_role": 0,
             "weekly_hours": hours},
        )  # fmt: skip
    assert caught.value.field == "weekly_hours"


def test_pay_bad_input():
    with pytest.raises(BadInput) as caught:
        calculate(
            "pay-progression", {"pay_year": "2031/32", "role": "prison-officer", "years_in_role": 0}
        )
    assert caught.value.field == "pay_year"


# --- pension (hmpps-offer:pension) -------------------------------------------------------------


def test_alpha_contributions_on_the_prison_officer_starting_salary():
    result = calculate("pension", {"annual_salary": "30902", "avc_monthly": "25"})
    assert result.value("employee_year") == D("1421.49")  # around 4.6%
    assert result.value("employer_year") == D("8343.54")  # 27%
    assert result.value("avc_year") == D("300.00")
    assert result.value("total_year") == D("10065.03")


def test_pension_bad_input():
    with pytest.raises(BadInput) as caught:
        calculate("pension", {"annual_salary": "1000", "avc_monthly": "100"})
    assert caught.value.field == "avc_monthly"


# --- cycle to work (hmpps-offer:salary-sacrifice) ----------------------------------------------


@pytest.mark.parametrize(
    ("band", "on", "saving"),
    [
        ("additional", "2024-06-01", "470.00"),  # "save employees up to 47%"
        ("higher", "2024-06-01", "420.00"),
        ("basic", "2023-06-01", "320.00"),  # 20% tax + 12% NI
        ("basic", "2024-06-01", "280.00"),  # 20% tax + 8% NI
    ],
)
def test_cycle_to_work_saving(band, on, saving):
    result = calculate("cycle-to-work", {"price": "1000", "tax_band": band, "on": on})
    assert result.value("saving") == D(saving)
    assert result.value("saving_rate") <= D(47)


def test_every_calculator_refuses_an_unknown_question():
    for name in CALCULATORS:
        with pytest.raises(BadInput) as caught:
            calculate(name, {"shoe_size": "9"})
        assert caught.value.field == "shoe_size"


@settings(max_examples=40, deadline=None)
@given(
    banked=st.lists(st.decimals(D(0), D(100), places=2), min_size=1, max_size=6),
    share=st.decimals(D(0), D(1), places=2),
)
def test_toil_balance_is_never_negative_and_never_more_than_banked(banked, share):
    taken = (sum(banked) * share).quantize(D("0.01"), rounding="ROUND_DOWN")
    result = calculate("toil", {"banked": banked, "taken": [taken]})
    assert D(0) <= result.value("balance") <= sum(banked)


@settings(max_examples=40, deadline=None)
@given(
    due=st.dates(datetime.date(2023, 4, 1), datetime.date(2030, 12, 31)),
    kind=st.sampled_from(["maternity", "adoption"]),
)
def test_contractual_pay_ends_half_way_through_the_leave(due, kind):
    result = calculate(
        "family-leave", {"kind": kind, "expected_date": due, "leave_year_start": "2024-04-01"}
    )
    paid_days = (result.value("paid_until") - due).days + 1
    leave_days = (result.value("leave_end") - due).days + 1
    assert (paid_days, leave_days) == (26 * 7, 52 * 7)
    by_year = [line.value for line in result.lines if line.key.startswith("leave_year_")]
    assert sum(by_year) == leave_days  # every day of leave falls in exactly one leave year


@settings(max_examples=40, deadline=None)
@given(
    salary=st.decimals(D(1000), D(200000), places=2),
    band=st.sampled_from(["basic", "higher", "additional"]),
)
def test_savings_never_exceed_what_the_offer_states(salary, band):
    cycle = calculate("cycle-to-work", {"price": salary / 100, "tax_band": band})
    assert cycle.value("saving") <= (salary / 100 * D("0.47")).quantize(D("0.01"))
    pension = calculate("pension", {"annual_salary": salary})
    assert pension.value("employer_year") > pension.value("employee_year")
