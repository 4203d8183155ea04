"""The `probity` command. Heavy imports (search models, Django) happen only in the commands
that need them, so `probity advise` starts nearly as fast as Python itself."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from probity.core.errors import BadData, BadInput

# `probity serve` on the 2-core machines it is sized for: a process a core, each with 4 threads
# (gunicorn's gthread workers). Threads keep connections alive and let a slow client or a wait
# on the database hold a thread rather than a whole process; benchmarks/web_load.py measured
# about twice the clause pages a second of 2 single-threaded workers on the same CPU.
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4

EXAMPLE = '{"roles": {"essex-probation": "employee"}, "matter": "gift", "facts": {}}'


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # the calculators need only their own command: building every command's parser would
    # cost more than the calculation (benchmarks/entitlements_bench.py)
    parser = _entitlements_parser() if argv[:1] == ["entitlements"] else _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 0
    try:
        return args.run(args) or 0
    except BadInput as error:
        print(f"probity: bad input: {error}", file=sys.stderr)
        return 2
    except BadData as error:
        print(
            f"probity: the data files are broken, tell the policy owner: {error}", file=sys.stderr
        )
        return 1
    except BrokenPipeError:  # e.g. `probity codes show … | head`
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="probity", description="Codes of conduct for the justice sector: guidance and search."
    )
    commands = parser.add_subparsers(title="commands")

    advise = commands.add_parser("advise", help="decide a situation (JSON) under your codes")
    advise.add_argument("file", nargs="?", help="situation JSON file; standard input if absent")
    advise.add_argument("--format", choices=("text", "json"), default="text")
    advise.set_defaults(run=_advise)

    search = commands.add_parser("search", help="find clauses in plain words")
    search.add_argument("query")
    search.add_argument("--code", help="only this code")
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--mode", choices=("hybrid", "lexical", "semantic"), default="hybrid")
    search.add_argument("--format", choices=("text", "json"), default="text")
    search.set_defaults(run=_search)

    codes = commands.add_parser("codes", help="list codes, or show a code or clause")
    codes.add_argument("--format", choices=("text", "json"), default="text")
    codes.set_defaults(run=_codes_list)
    codes_commands = codes.add_subparsers(title="codes commands")
    show = codes_commands.add_parser("show", help="show CODE or CODE:CLAUSE")
    show.add_argument("ref", metavar="CODE[:CLAUSE]")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(run=_codes_show)

    serve = commands.add_parser("serve", help="run the web site and API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=DEFAULT_WORKERS, help="processes (default: %(default)s)"
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help="threads a process; more than 1 uses gunicorn's gthread workers "
        "(default: %(default)s)",
    )
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="run no background worker beside the site (run `probity worker` elsewhere)",
    )
    serve.set_defaults(run=_serve)

    worker = commands.add_parser(
        "worker", help="run background tasks (long roster solves) from the database queue"
    )
    worker.set_defaults(run=_worker)

    manage = commands.add_parser("manage", help="Django management commands (migrate, …)")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(run=_manage)

    rules = commands.add_parser("rules", help="inspect the guidance rules")
    rules_commands = rules.add_subparsers(title="rules commands")
    coverage = rules_commands.add_parser(
        "coverage", help="clauses that impose a duty but no rule cites"
    )
    coverage.add_argument("--format", choices=("text", "json"), default="text")
    coverage.set_defaults(run=_rules_coverage)

    people = commands.add_parser("people", help="organisations' people: import a staff list")
    people_commands = people.add_subparsers(title="people commands")
    people_import = people_commands.add_parser(
        "import", help="import or update an organisation's people from CSV (all or nothing)"
    )
    people_import.add_argument("organisation", metavar="ORG_SLUG")
    people_import.add_argument("file", metavar="FILE.csv")
    people_import.set_defaults(run=_people_import)

    rostering = commands.add_parser("rostering", help="rostering in the database: staff details")
    rostering.set_defaults(run=lambda _args: rostering.print_help())
    rostering_commands = rostering.add_subparsers(title="rostering commands")
    import_staff = rostering_commands.add_parser(
        "import-staff",
        help="import or update people's rostering staff details from CSV (all or nothing)",
    )
    import_staff.add_argument("organisation", metavar="ORG_SLUG")
    import_staff.add_argument("file", metavar="FILE.csv")
    import_staff.set_defaults(run=_rostering_import_staff)

    demo = commands.add_parser(
        "demo", help="load demo organisations, people and sign-ins (idempotent; not for real use)"
    )
    demo.set_defaults(run=_demo)

    audit = commands.add_parser("audit", help="check the audit trail")
    audit.set_defaults(run=lambda _args: audit.print_help())
    audit_commands = audit.add_subparsers(title="audit commands")
    verify = audit_commands.add_parser(
        "verify", help="check that no audit entry was changed, removed or inserted"
    )
    verify.set_defaults(run=_audit_verify)

    registers = commands.add_parser("registers", help="declarations and their registers")
    registers_commands = registers.add_subparsers(title="registers commands")
    remind = registers_commands.add_parser(
        "remind",
        help="expire time-limited permissions and remind approvers of overdue declarations "
        "(run daily; idempotent)",
    )
    remind.add_argument("--days", type=int, default=7, help="waiting longer than this (7)")
    remind.add_argument("--today", help="act as of this date (YYYY-MM-DD)")
    remind.set_defaults(run=_registers_remind)

    concerns = commands.add_parser("concerns", help="concerns and the cases made of them")
    concerns.set_defaults(run=lambda _args: concerns.print_help())
    concerns_commands = concerns.add_subparsers(title="concerns commands")
    daily = concerns_commands.add_parser(
        "daily",
        help="reassign cases of handlers who left and escalate overdue cases to the handler's "
        "manager (run daily; idempotent)",
    )
    daily.add_argument("--today", help="act as of this date (YYYY-MM-DD)")
    daily.set_defaults(run=lambda args: _run_command("concerns_daily", args, "today"))
    rotate = concerns_commands.add_parser(
        "rotate-key", help="re-encrypt every concern, message and file under a new key"
    )
    rotate.set_defaults(run=lambda args: _run_command("concerns_rotate_key", args))
    oversight = concerns_commands.add_parser(
        "oversight", help="figures for the board, without identities, as CSV"
    )
    oversight.add_argument("organisation", metavar="ORG_SLUG")
    oversight.add_argument("--from", dest="start", help="received on or after (YYYY-MM-DD)")
    oversight.add_argument("--to", dest="end", help="received on or before (YYYY-MM-DD)")
    oversight.add_argument("--output", help="write the CSV here (default: standard output)")
    oversight.set_defaults(
        run=lambda args: _run_command(
            "concerns_oversight", args, "start", "end", "output", positional=args.organisation
        )
    )

    retention = commands.add_parser("retention", help="delete what is kept past its time")
    retention.set_defaults(run=lambda _args: retention.print_help())
    retention_commands = retention.add_subparsers(title="retention commands")
    retention_run = retention_commands.add_parser(
        "run",
        help="delete the content of cases past their retention period, keep the figures, and "
        "say what was removed",
    )
    retention_run.add_argument("--today", help="act as of this date (YYYY-MM-DD)")
    retention_run.add_argument("--dry-run", action="store_true", help="only say what would go")
    retention_run.set_defaults(
        run=lambda args: _run_command("retention_run", args, "today", "dry_run")
    )

    _add_entitlements(commands)
    _add_roster_commands(commands)

    offer = commands.add_parser("offer", help="the HMPPS employee offer: flexible working")
    offer_commands = offer.add_subparsers(title="offer commands")
    offer_remind = offer_commands.add_parser(
        "remind",
        help="remind line managers of flexible-working requests near their time limit "
        "(run daily; idempotent)",
    )
    offer_remind.add_argument("--days", type=int, default=14, help="days before the limit (14)")
    offer_remind.add_argument("--today", help="act as of this date (YYYY-MM-DD)")
    offer_remind.set_defaults(run=_offer_remind)
    return parser


def _advise(args) -> int:
    from probity.core.engine import decide
    from probity.core.situation import parse_situation_json
    from probity.textformat import format_outcome

    text = _read_situation(args.file)
    outcome = decide(parse_situation_json(text))
    if args.format == "json":
        print(json.dumps(outcome, indent=2, ensure_ascii=False))
    else:
        print(format_outcome(outcome))
    return 0


def _read_situation(path: str | None) -> str:
    if path is None or path == "-":
        if sys.stdin.isatty():
            raise BadInput("situation", f"give a FILE or pipe a situation in, e.g. {EXAMPLE}")
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as error:
        raise BadInput("file", f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise BadInput("file", f"{path} is not UTF-8 text") from None


def _search(args) -> int:
    from probity.core.search import search

    result = search(args.query, code=args.code, limit=args.limit, mode=args.mode)
    if args.format == "json":
        hits = [
            {"clause": h.clause, "score": round(h.score, 6), "text": h.text} for h in result.hits
        ]
        print(json.dumps(hits, indent=2, ensure_ascii=False))
        return 0
    if result.notice:
        print(f"Note: {result.notice}\n", file=sys.stderr)
    if not result.hits:
        print("No clauses matched. Try other words, or drop the --code filter.")
    for rank, hit in enumerate(result.hits, 1):
        print(f"{rank}. {hit.clause}  {hit.heading}  (score {hit.score:.3f})")
        print(textwrap.indent(textwrap.fill(_shorten(hit.text), 88), "   "), end="\n\n")
    return 0


def _shorten(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def _codes_list(args) -> int:
    from probity.core.codes import load_codes

    codes = load_codes()
    if args.format == "json":
        print(json.dumps([_code_summary(code) for code in codes.values()], indent=2))
        return 0
    for code in codes.values():
        print(
            f"{code.id:22} {code.title} — {code.issuer} ({len(code.clauses)} clauses, "
            f"revision {code.revision})"
        )
    return 0


def _code_summary(code) -> dict:
    return {
        "code": code.id,
        "title": code.title,
        "issuer": code.issuer,
        "revision": code.revision,
        "roles": sorted(code.roles),
        "clauses": len(code.clauses),
    }


def _codes_show(args) -> int:
    from probity.core.codes import find_clause, load_code
    from probity.textformat import format_clause, format_code

    if ":" in args.ref:
        clause = find_clause(args.ref)
        if args.format == "json":
            print(json.dumps(_clause_json(clause), indent=2, ensure_ascii=False))
        else:
            print(format_clause(clause))
        return 0
    code = load_code(args.ref)
    if args.format == "json":
        summary = _code_summary(code) | {
            "clauses": [_clause_json(c) for c in code.clauses.values()]
        }
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(format_code(code))
    return 0


def _clause_json(clause) -> dict:
    return {
        "clause": clause.ref,
        "heading": clause.heading,
        "parent": f"{clause.code}:{clause.parent}" if clause.parent else None,
        "text": clause.text,
    }


def _serve(args) -> int:
    from probity.server import serve

    if not 0 < args.port < 65536:
        raise BadInput("port", f"{args.port} is not a port number (1-65535)")
    if args.workers < 1:
        raise BadInput("workers", "must be at least 1")
    if args.threads < 1:
        raise BadInput("threads", "must be at least 1")
    serve(args.host, args.port, args.workers, args.threads, worker=not args.no_worker)
    return 0


def _worker(_args) -> int:
    from probity.server import manage

    manage(["db_worker"])
    return 0


def _manage(args) -> int:
    from probity.server import manage

    manage(args.arguments)
    return 0


def _rules_coverage(args) -> int:
    from probity.core.coverage import uncited_duties

    gaps = uncited_duties()
    if args.format == "json":
        print(json.dumps([_clause_json(c) for c in gaps], indent=2, ensure_ascii=False))
        return 0
    print(f"{len(gaps)} clauses impose a duty that no guidance rule cites:\n")
    for clause in gaps:
        print(f"{clause.ref:38} {_shorten(clause.text, 70)}")
    return 0


def _audit_verify(args) -> int:
    from probity.server import setup_django

    setup_django()
    from django.db import DatabaseError

    from probity.apps.audit.selectors import audit_verify

    try:
        result = audit_verify()
    except DatabaseError as error:
        print(
            f"probity: cannot read the audit trail ({error}); has `probity manage migrate` run?",
            file=sys.stderr,
        )
        return 1
    if result.ok:
        noun = "entry" if result.checked == 1 else "entries"
        print(f"Audit trail intact: {result.checked} {noun} checked")
        return 0
    where = f" at entry #{result.first_broken_sequence}" if result.first_broken_sequence else ""
    print(f"Audit trail broken{where}: {result.reason}")
    return 1


def _add_entitlements(commands) -> None:
    entitlements = commands.add_parser(
        "entitlements", help="the HMPPS offer's calculators (annual leave, TOIL, sick pay, …)"
    )
    entitlements.add_argument("calculator", nargs="?", help="leave out to list them")
    entitlements.add_argument("options", nargs=argparse.REMAINDER, help="--QUESTION ANSWER …")
    entitlements.set_defaults(run=_entitlements)


def _entitlements_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="probity")
    _add_entitlements(parser.add_subparsers(title="commands"))
    return parser


def _entitlements(args) -> int:
    from probity.cli_entitlements import run

    return run(args.calculator, args.options, "text")


def _offer_remind(args) -> int:
    from probity.server import manage

    manage(
        ["offer_remind", "--days", str(args.days), *(["--today", args.today] * bool(args.today))]
    )
    return 0


def _registers_remind(args) -> int:
    from probity.server import manage

    arguments = ["registers_remind", "--days", str(args.days)]
    if args.today:
        arguments += ["--today", args.today]
    manage(arguments)
    return 0


def _run_command(command: str, args, *options: str, positional: str = "") -> int:
    """Run a management command with the named options of `args` that were given (the
    database migrated first, so that a fresh install answers rather than fails)."""
    from probity.server import manage, setup_django

    setup_django()
    _migrate_quietly()

    arguments = [command, *([positional] if positional else [])]
    for option in options:
        value = getattr(args, option)
        flag = "--" + {"start": "from", "end": "to"}.get(option, option).replace("_", "-")
        if value is True:
            arguments.append(flag)
        elif value:
            arguments += [flag, value]
    manage(arguments)
    return 0


def _people_import(args) -> int:
    return _csv_import(args, "probity.apps.people.services", "people_import_csv")


def _rostering_import_staff(args) -> int:
    return _csv_import(args, "probity.apps.rostering.staff_import", "staff_details_import")


def _csv_import(args, module: str, importer: str) -> int:
    """Run one of the all-or-nothing CSV imports, named by module so that it loads only once
    Django is set up."""
    from importlib import import_module

    from probity.server import setup_django

    setup_django()
    _migrate_quietly()
    from probity.apps.people.management.commands.people_import import run

    chosen = getattr(import_module(module), importer)
    return run(args.organisation, args.file, sys.stdout, sys.stderr, chosen)


def _demo(args) -> int:
    from probity.server import setup_django

    setup_django()
    _migrate_quietly()
    from probity.apps.people.demo import demo_load

    print(demo_load().as_text())
    return 0


def _migrate_quietly() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())


def _add_roster_commands(commands) -> None:
    roster = commands.add_parser("roster", help="build, check or compare rosters (JSON/YAML)")
    roster_commands = roster.add_subparsers(title="roster commands")
    solve = roster_commands.add_parser("solve", help="build the best roster for a problem file")
    check = roster_commands.add_parser("check", help="check a roster against every rule")
    compare = roster_commands.add_parser(
        "compare", help="fixed pattern, self-rostering and demand-led rosters side by side"
    )
    for command, run in (
        (solve, _roster_solve),
        (check, _roster_check),
        (compare, _roster_compare),
    ):
        command.add_argument("file", help="roster problem, JSON or YAML")
        command.set_defaults(run=run)
    for command in (solve, compare):
        command.add_argument("--seconds", type=float, default=30.0, help="time limit a solve")
        command.add_argument("--workers", type=int, default=2)
    solve.add_argument("--output", help="write the roster here as JSON")
    solve.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument(
        "--roster", required=True, help="the roster, JSON as `solve --output` writes"
    )


def _roster_solve(args) -> int:
    from probity.core.rostering.problem_file import load_problem, roster_to_dict
    from probity.core.rostering.report import format_result, format_roster
    from probity.core.rostering.solver import solve

    problem = load_problem(args.file)
    result = solve(problem, seconds=args.seconds, workers=args.workers)
    if result.roster is not None and args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            json.dump(roster_to_dict(problem, result.roster), handle, indent=1)
    if args.format == "json":
        payload = {
            "status": result.status,
            "objective": result.check.objective if result.check else None,
            "best_bound": result.best_bound,
            "gap": result.gap,
            "first_feasible_seconds": result.first_feasible_seconds,
            "conflicts": result.conflicts,
            "roster": roster_to_dict(problem, result.roster) if result.roster else None,
        }
        print(json.dumps(payload, indent=1))
    else:
        print(format_result(result))
        if result.roster is not None:
            print(format_roster(problem, result.roster))
    return 0 if result.roster is not None else 1


def _roster_check(args) -> int:
    from probity.core.rostering.checker import check
    from probity.core.rostering.problem_file import load_problem, roster_from_dict
    from probity.core.rostering.report import format_check

    problem = load_problem(args.file)
    try:
        with open(args.roster, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, json.JSONDecodeError) as error:
        raise BadInput("--roster", f"cannot read a JSON roster: {error}") from error
    result = check(problem, roster_from_dict(problem, data))
    print(format_check(result))
    return 0 if result.valid else 1


def _roster_compare(args) -> int:
    from probity.core.rostering.compare import compare
    from probity.core.rostering.problem_file import load_problem
    from probity.core.rostering.report import format_comparison

    problem = load_problem(args.file)
    print(format_comparison(compare(problem, seconds=args.seconds, workers=args.workers)))
    return 0
