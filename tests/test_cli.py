"""The `probity` command as a person or a script uses it (shared/spec/guidance.md, CLI)."""

import json
import subprocess
import sys

import pytest

SITUATION = {
    "roles": {"essex-probation": "employee", "moj-volunteers": "employee"},
    "matter": "gift",
    "facts": {"offered_by": "service-user", "kind": "item"},
}


def probity(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "probity", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_advise_json_prints_the_outcome_and_exits_0(tmp_path):
    path = tmp_path / "situation.json"
    path.write_text(json.dumps(SITUATION))
    result = probity("advise", str(path), "--format", "json")
    assert result.returncode == 0
    outcome = json.loads(result.stdout)
    assert outcome["decision"] == "prohibited"
    assert outcome["codes"]["moj-volunteers"] == "not-in-scope"
    assert "moj-volunteers" in outcome["why"]


def test_advise_reads_standard_input_and_explains_in_words():
    result = probity("advise", stdin=json.dumps(SITUATION))
    assert result.returncode == 0
    assert result.stdout.startswith("Decision: You must not (prohibited)")
    assert "Decline the offer politely but firmly." in result.stdout
    assert "essex-probation:7.4" in result.stdout


@pytest.mark.parametrize(
    ("stdin", "named"),
    [
        ('{"roles": ', "situation"),
        ('{"roles": {"essex-probation": "employee"}, "matter": "bribe"}', "matter"),
        (
            '{"roles": {"essex-probation": "employee"}, "matter": "gift", "facts": {"nominal": 1}}',
            "facts.nominal",
        ),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(stdin, named):
    result = probity("advise", "--format", "json", stdin=stdin)
    assert result.returncode == 2
    assert f"bad input: {named}:" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_missing_file_is_bad_input():
    result = probity("advise", "/nonexistent/situation.json")
    assert result.returncode == 2
    assert "bad input: file:" in result.stderr


def test_codes_lists_all_five_codes():
    result = probity("codes")
    assert result.returncode == 0
    for code in ("moj-volunteers", "essex-probation", "hmpps-offer", "probation-institute", "opcc"):
        assert code in result.stdout


def test_codes_show_prints_one_clause_with_its_heading():
    result = probity("codes", "show", "opcc:15.4")
    assert result.returncode == 0
    assert "Hospitality and Gifts" in result.stdout
    assert "personal gifts from contractors" in result.stdout


def test_codes_show_prints_a_whole_code():
    result = probity("codes", "show", "moj-volunteers", "--format", "json")
    clauses = [c["clause"] for c in json.loads(result.stdout)["clauses"]]
    assert "moj-volunteers:must-not.3" in clauses


def test_an_unknown_clause_is_bad_input():
    result = probity("codes", "show", "opcc:99.9")
    assert result.returncode == 2
    assert "opcc has no clause '99.9'" in result.stderr


def test_rules_coverage_lists_uncited_duties():
    result = probity("rules", "coverage", "--format", "json")
    assert result.returncode == 0
    gaps = {clause["clause"] for clause in json.loads(result.stdout)}
    assert "essex-probation:4.7" in gaps  # dress code: a duty no guidance question asks about
    assert "essex-probation:7.4" not in gaps


def test_serve_hands_over_to_gunicorn_with_threaded_workers_by_default(monkeypatch):
    from probity import server
    from probity.cli import main

    handed_over = []
    monkeypatch.setattr(server, "setup_django", lambda: None)
    monkeypatch.setattr("django.core.management.call_command", lambda *args, **kwargs: None)
    monkeypatch.setattr(server, "warm_search", lambda: None)
    monkeypatch.setattr(server.os, "execv", lambda path, argv: handed_over.append(argv))
    assert main(["serve", "--port", "8123"]) == 0
    assert main(["serve", "--port", "8123", "--workers", "3", "--threads", "1"]) == 0
    default, single = (" ".join(argv) for argv in handed_over)
    assert "--workers 2 --worker-class gthread --threads 4" in default
    assert "--workers 3 " in single and "gthread" not in single and "--threads" not in single
    assert "--no-control-socket" in default  # never one shared by every server on the machine


def test_serve_refuses_no_threads():
    result = probity("serve", "--threads", "0")
    assert result.returncode == 2
    assert "threads" in result.stderr
