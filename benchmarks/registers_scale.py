"""Registers at scale (issue 5): a million declarations in PostgreSQL, and how the register
page, "my declarations" and the streamed CSV export hold up.

    .venv/bin/python benchmarks/registers_scale.py --quick      # 10,000 people, 100,000 rows
    .venv/bin/python benchmarks/registers_scale.py              # 100,000 people, 1,000,000 rows
    .venv/bin/python benchmarks/registers_scale.py --skip-load  # measure what is loaded already

Uses its own database, `probity_scale` on 127.0.0.1:5432 (--database-url to change), created
if missing; its schema is dropped and rebuilt by running the migrations, with a throwaway
PROBITY_HOME. It never touches any other database. Loads one organisation, ~200 teams, N
people with line managers and M declarations with PostgreSQL COPY (psycopg 3), ANALYZEs, then
measures:

- the register page query (`selectors.register_entries` filtered by team and a year of
  declaration dates, one page evaluated), p50/p95 over --runs runs;
- the real register page (/registers/<register>?team=…&declared_from…) through Django's test
  Client, signed in as a register keeper whose session is verified with a second factor;
- "my declarations" (`selectors.declarations_for_person`, one page) for random people;
- the streamed CSV export of every submitted entry (`exports.csv_response`, its streaming
  content iterated and counted) at 10% and 100% of the rows: rows/s, and the tracemalloc peak
  (a separate pass, as tracing slows Python down) to show memory stays flat as rows grow.

Aims: page p95 <= 200 ms, export >= 50,000 rows/s, export memory flat as rows grow.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from urllib.parse import urlparse, urlunparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/probity_scale"
TEAMS = 200
AIM_PAGE_P95_MS = 200.0
AIM_EXPORT_RPS = 50_000.0
FLAT_MEMORY_RATIO = 2.0  # the peak at 100% of the rows may be at most this times the 10% peak
REGISTER = "gifts-and-hospitality-register"
TODAY = datetime.date.today()
YEARS = 5

# status: weight (drafts have no declared_on, so never reach a register)
STATUS_WEIGHTS = {
    "draft": 5,
    "submitted": 8,
    "more-information-requested": 2,
    "approved": 40,
    "approved-with-conditions": 5,
    "refused": 4,
    "withdrawn": 3,
    "recorded": 28,
    "expired": 5,
}
DECIDED = {"approved", "approved-with-conditions", "refused", "expired", "recorded"}
KIND_WEIGHTS = {"gift": 30, "hospitality": 30, "interest": 10}  # every other kind: 2
FIRST_NAMES = ("Alex", "Sam", "Priya", "Tom", "Aisha", "Jo", "Chris", "Mei", "Olu", "Kate")
LAST_NAMES = ("Smith", "Khan", "Jones", "Patel", "Brown", "Taylor", "Ahmed", "Wilson", "Evans")
DESCRIPTIONS = (
    "Tickets to a county cricket match",
    "A bottle of wine from a contractor",
    "Lunch with a partner organisation",
    "Director of a local housing charity",
    "Conference dinner paid for by a supplier",
    "A box of chocolates from a service user's family",
)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--declarations", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="10,000 people, 100,000 rows")
    parser.add_argument("--runs", type=int, default=50, help="runs of each timed query")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--skip-load", action="store_true", help="measure the loaded data")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--export-max",
        type=int,
        help="export at most this many rows (default: every row; 10%% of that too)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.people, args.declarations = 10_000, 100_000
    return args


# --- the database -------------------------------------------------------------------------------


def prepare_database(url: str, *, reset: bool) -> None:
    """Create the benchmark's database if missing; with `reset`, drop its schema."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if name in ("", "postgres", "template0", "template1", "test") or name.startswith("test_"):
        sys.exit(f"refusing to use the database {name!r}: give the benchmark its own")
    admin = urlunparse(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    if reset:
        own = urlunparse(parts._replace(scheme="postgresql"))
        with psycopg.connect(own, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("PROBITY_HOME", tempfile.mkdtemp(prefix="probity-scale-"))
    os.environ["PROBITY_ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "probity.web.settings")
    import django

    django.setup()


# --- loading ------------------------------------------------------------------------------------


def _weighted(weights: dict[str, int]) -> tuple[list[str], list[int]]:
    return list(weights), list(weights.values())


def load(people: int, declarations: int, seed: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from probity.apps.people.models import AdoptedCode, Organisation, Person, Team
    from probity.apps.registers.kinds import declaration_kinds
    from probity.apps.registers.models import Declaration

    rng = random.Random(seed)
    timings = {}
    org = Organisation.objects.create(name="Scale Probation Service", slug="scale")
    AdoptedCode.objects.create(organisation=org, code_id="essex-probation")
    started = time.perf_counter()
    teams = Team.objects.bulk_create(
        Team(organisation=org, name=f"Team {i:03d}") for i in range(TEAMS)
    )
    team_ids = [t.pk for t in teams]
    now = timezone.now()

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM people_person")
        first = cursor.fetchone()[0]
        columns = (
            "id, organisation_id, name, email, staff_number, team_id, line_manager_id, "
            "active, start_date, created_at, updated_at"
        )
        table = Person._meta.db_table
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for k in range(people):
                pid = first + k
                name = f"{FIRST_NAMES[k % 10]} {LAST_NAMES[(k // 10) % 9]} {k}"
                copy.write_row(
                    (
                        pid,
                        org.pk,
                        name,
                        f"person{k}@scale.test",
                        f"SN{k:07d}",
                        team_ids[k % TEAMS],
                        first + (k - 1) // 10 if k else None,  # a tree, ten reports each
                        k % 50 != 0,
                        TODAY - datetime.timedelta(days=rng.randrange(365 * 20)),
                        now,
                        now,
                    )
                )
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    timings["people"] = (people, time.perf_counter() - started)
    person_ids = range(first, first + people)

    kinds = list(declaration_kinds().values())
    kind_weights = [KIND_WEIGHTS.get(k.id, 2) for k in kinds]
    statuses, status_weights = _weighted(STATUS_WEIGHTS)
    situation = json.dumps({"matter": "hospitality", "facts": {"corporate": False}})
    outcome = json.dumps({"decision": "must-declare", "authorities": ["line-manager"]})
    clauses = json.dumps(["essex-probation/7.4"])
    columns = (
        "organisation_id, person_id, team_id, kind, offer_declined, situation, outcome, "
        "decision, clauses, register, register_office, description, value_pence, occurred_on, "
        "declared_on, late, above_threshold, needs_decision, status, decided_by_id, decided_at, "
        "conditions, created_at, updated_at, submitted_at"
    )
    started = time.perf_counter()
    span = 365 * YEARS
    with connection.cursor() as cursor:
        table = Declaration._meta.db_table
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for _ in range(declarations):
                k = rng.randrange(people)
                pid = person_ids[k]
                kind = rng.choices(kinds, kind_weights)[0]
                status = rng.choices(statuses, status_weights)[0]
                occurred = TODAY - datetime.timedelta(days=rng.randrange(span))
                declared = None
                if status != "draft":
                    declared = min(TODAY, occurred + datetime.timedelta(days=rng.randrange(40)))
                created = datetime.datetime.combine(
                    declared or occurred, datetime.time(9, rng.randrange(60)), datetime.UTC
                )
                decided = status in DECIDED
                declined = kind.is_offer and rng.random() < 0.1
                copy.write_row(
                    (
                        org.pk,
                        pid,
                        team_ids[k % TEAMS],
                        kind.id,
                        declined,
                        situation,
                        outcome,
                        "needs-permission" if rng.random() < 0.3 else "must-declare",
                        clauses,
                        (kind.declined_register if declined else "") or kind.register,
                        "",
                        rng.choice(DESCRIPTIONS),
                        rng.randrange(100, 50_000) if kind.has_value else None,
                        occurred,
                        declared,
                        declared is not None and (declared - occurred).days > 28,
                        False,
                        status != "recorded",
                        status,
                        (first + (k - 1) // 10 if k else None) if decided else None,
                        created + datetime.timedelta(days=3) if decided else None,
                        "Not to be repeated" if status == "approved-with-conditions" else "",
                        created,
                        created,
                        created if declared else None,
                    )
                )
    timings["declarations"] = (declarations, time.perf_counter() - started)
    return timings


def analyse() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


# --- measuring ----------------------------------------------------------------------------------


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[94]


def timed(fn, runs: int) -> list[float]:
    fn()  # warm up
    out = []
    for i in range(runs):
        started = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - started) * 1000)
    return out


def progress(label: str, samples: list[float]) -> None:
    p50, p95 = percentiles(samples)
    print(f"  {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms", flush=True)


def keeper_client(org):
    """A test Client signed in as a register keeper of every register, second factor done."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from probity.apps.people.models import OfficeHolder, Person

    user, _ = get_user_model().objects.get_or_create(username="scale-keeper")
    person, _ = Person.objects.get_or_create(
        organisation=org, staff_number="KEEPER", defaults={"name": "Kim Keeper", "user": user}
    )
    OfficeHolder.objects.get_or_create(organisation=org, office="register-keeper", person=person)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Phone", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def measure(runs: int, seed: int, export_max: int | None = None) -> dict:
    from probity.apps.people.models import Organisation, Person, Team
    from probity.apps.registers import exports, selectors
    from probity.apps.registers.models import Declaration
    from probity.apps.registers.views import PAGE_SIZE

    rng = random.Random(seed + 1)
    org = Organisation.objects.get(slug="scale")
    team_ids = list(Team.objects.filter(organisation=org).values_list("pk", flat=True))
    person_ids = list(
        Person.objects.filter(organisation=org, declarations__isnull=False)
        .values_list("pk", flat=True)
        .distinct()[:5000]
    )
    start = TODAY - datetime.timedelta(days=365)
    results = {"rows": Declaration.objects.count()}

    def selector_page(i=0):
        entries = selectors.register_entries(
            organisation=org,
            register=REGISTER,
            team=team_ids[(i * 7) % len(team_ids)],
            declared_from=start,
            declared_to=TODAY,
        )
        return list(entries[: PAGE_SIZE + 1])

    results["page_rows"] = len(selector_page())
    results["selector"] = timed(selector_page, runs)
    progress("register_entries", results["selector"])

    client = keeper_client(org)
    base = {
        "declared_from-day": start.day,
        "declared_from-month": start.month,
        "declared_from-year": start.year,
        "declared_to-day": TODAY.day,
        "declared_to-month": TODAY.month,
        "declared_to-year": TODAY.year,
    }

    def client_page(i=0):
        params = {**base, "team": team_ids[(i * 7) % len(team_ids)]}
        response = client.get(f"/registers/{REGISTER}", params)
        if response.status_code != 200:
            raise SystemExit(f"register page answered {response.status_code}")

    results["client"] = timed(client_page, runs)
    progress("register page", results["client"])

    def mine(i=0):
        person = Person(pk=rng.choice(person_ids), organisation=org)
        return list(selectors.declarations_for_person(person)[: PAGE_SIZE + 1])

    results["mine"] = timed(mine, runs)
    progress("my declarations", results["mine"])

    everything = selectors.register_entries(organisation=org)
    total = everything.count()
    if export_max:
        total = min(total, export_max)
    results["export"] = {}
    for share in (0.1, 1.0):
        limit = max(1, int(total * share))
        # the first `limit` entries in reference order, the order exports are written in
        last = everything.order_by("pk").values_list("pk", flat=True)[limit - 1]
        queryset = everything.filter(pk__lte=last)

        def export(queryset=queryset):
            response = exports.csv_response(queryset, filename="scale.csv")
            # blocks of whole lines; the generated descriptions hold no line breaks
            lines = sum(block.count(b"\n") for block in response.streaming_content)
            return lines - 1  # the header

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        rows = export()
        seconds = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        export()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  CSV export {share:.0%}: {rows:,} rows, {rows / seconds:,.0f} rows/s", flush=True)
        results["export"][share] = {
            "rows": rows,
            "seconds": seconds,
            "peak_mib": peak / 2**20,
            "maxrss_delta_mib": (rss_after - rss_before) / 1024,
        }
    return results


# --- report -------------------------------------------------------------------------------------


def report(timings: dict, analyse_s: float | None, results: dict) -> bool:
    print()
    if timings:
        print("Load (PostgreSQL COPY)")
        for what, (rows, seconds) in timings.items():
            rate = rows / seconds
            print(f"  {what:<14} {rows:>10,} rows  {seconds:7.1f} s  {rate:>10,.0f} rows/s")
        print(f"  ANALYZE        {analyse_s:7.1f} s")
    print(f"\nDeclarations in the database: {results['rows']:,}")
    print(f"Register page: team + one year, {results['page_rows']} rows on the first page\n")
    rows = []
    ok_all = True

    def line(metric, value, aim, ok):
        nonlocal ok_all
        if ok is not None:
            ok_all &= ok
        rows.append((metric, value, aim, "" if ok is None else ("ok" if ok else "MISSED")))

    for key, label in (
        ("selector", "register_entries, one page"),
        ("client", "register page (test Client)"),
        ("mine", "my declarations, one page"),
    ):
        p50, p95 = percentiles(results[key])
        line(f"{label} p50", f"{p50:.1f} ms", "", None)
        line(
            f"{label} p95",
            f"{p95:.1f} ms",
            f"<= {AIM_PAGE_P95_MS:.0f} ms",
            p95 <= AIM_PAGE_P95_MS,
        )
    exported = results["export"]
    for share, figures in exported.items():
        rps = figures["rows"] / figures["seconds"]
        label = f"CSV export {share:.0%} ({figures['rows']:,} rows)"
        line(f"{label} rows/s", f"{rps:,.0f}", f">= {AIM_EXPORT_RPS:,.0f}", rps >= AIM_EXPORT_RPS)
        line(f"{label} tracemalloc peak", f"{figures['peak_mib']:.1f} MiB", "", None)
        line(f"{label} maxrss growth", f"{figures['maxrss_delta_mib']:.1f} MiB", "", None)
    small, full = exported[0.1]["peak_mib"], exported[1.0]["peak_mib"]
    line(
        "export memory 100% / 10%",
        f"{full / small:.2f}x",
        f"<= {FLAT_MEMORY_RATIO:.1f}x (flat)",
        full <= small * FLAT_MEMORY_RATIO,
    )
    table = [("metric", "value", "aim", ""), *rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(4)]
    for row in table:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    print("\nall aims met" if ok_all else "\nsome aims missed")
    return ok_all


def main(argv=None) -> int:
    args = parse_args(argv)
    prepare_database(args.database_url, reset=not args.skip_load)
    setup_django(args.database_url)
    timings, analyse_s = {}, None
    if not args.skip_load:
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrated in {time.perf_counter() - started:.1f} s")
        print(f"loading {args.people:,} people and {args.declarations:,} declarations…")
        timings = load(args.people, args.declarations, args.seed)
        analyse_s = analyse()
        for what, (rows, seconds) in timings.items():
            print(f"  loaded {rows:,} {what} in {seconds:.1f} s", flush=True)
    results = measure(args.runs, args.seed, args.export_max)
    report(timings, analyse_s, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
