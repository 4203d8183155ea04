"""The audit trail: who did what to which record, when, in a tamper-evident hash chain.

Recording (services.py), inside the transaction that makes the change, as its last step:

    from probity.apps.audit.services import audit_record, audit_view

    with transaction.atomic():
        declaration = Declaration.objects.select_for_update().get(pk=pk)
        ...  # check permission, change state
        audit_record(actor=user, action="declaration.submitted", obj=declaration,
                     details={"register": "gifts"})
    notify(...)

    audit_view(request, declaration, "declaration")   # a view showed personal data

Actions are "<thing>.<past tense>": "declaration.submitted", "declaration.viewed",
"person.imported", "register.exported". `details` holds ids and small facts, never personal
data or secrets (values under keys such as "password" or "token" are redacted). `actor=None`
means the system.

Reading and checking (selectors.py): `audit_entries_for(obj)` (oldest first) and
`audit_verify() -> VerifyResult(ok, checked, first_broken_sequence, reason)`; on the command
line `probity audit verify` (exit status 1 and the first broken entry when it is broken).

Entries are append-only: the model, its queryset and (by trigger) the database refuse to change
or delete them. Each entry's hash is SHA-256 over canonical JSON of its content and the previous
entry's hash (chain.py), so changing, removing or inserting an entry breaks the chain from there
on. Appends lock one chain-head row (select_for_update), so two web processes never fork the
chain. Accounts that have acted are PROTECTed from deletion: deactivate them instead.

Model history for personal data (django-simple-history): the audit trail says who did what;
a model's history keeps each earlier version of its fields. Any app whose model holds personal
data registers it so:

    from simple_history.models import HistoricalRecords

    class Person(models.Model):
        ...
        history = HistoricalRecords()

then runs `probity manage makemigrations <app>`. `HistoryRequestMiddleware` (in settings)
records the signed-in user as each version's `history_user`; outside a request set
`instance._history_user = user` before saving. Read versions with `person.history.all()`.
"""
