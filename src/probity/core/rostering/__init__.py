"""Rostering: demand-led rosters that honour flexible working (issue 8).

Plain Python, no Django. The pieces, each documented in its module:

- `model`: the problem (shift types, demand, staff, arrangements, requests, rules) and `Roster`.
- `problem_file`: read a roster problem from JSON/YAML (`load_problem`), write a roster.
- `validate`: `validate_problem` raises `BadInput` naming the field at fault.
- `checker`: `check(problem, roster)` -> every hard rule broken and the soft-goal penalties,
  independent of the solver; `roster_metrics` for comparisons.
- `solver`: `solve`, `repair` (minimum changes) and `explain_infeasible` with OR-Tools CP-SAT;
  `SolveResult` carries status, roster, objective, bound, gap, time to first roster, conflicts.
- `greedy`: quick starting rosters (the solver's hints).
- `nrp`: `read_nrp` for the Curtois & Qu nurse rostering benchmark instances.
- `compare`: fixed shift pattern, team-based self-rostering (TBSR) and demand-led flexible
  rostering (DLFR) on the same demand and staff.
- `generate`: made-up establishments for benchmarks and demos.
- `report`: plain-text grid, check and comparison table.

Typical use (what the Django pages will call):

    problem = load_problem("wing.yaml")          # or build model.Problem directly
    result = solve(problem, seconds=30)
    if result.roster is None:
        show(result.conflicts)                   # the rules that cannot all hold, in words
    check(problem, edited_roster).violations     # after a manager's hand edit
    repair(problem_with_sickness, result.roster, from_day=today)
"""
