"""The audit trail as an auditor checks it: every entry chained to the one before, nothing
changed, removed or inserted without `probity audit verify` naming the entry."""

from __future__ import annotations

import importlib
import threading
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, models, transaction
from django.db.models import ProtectedError
from django.test import RequestFactory

from probity.apps.audit.chain import GENESIS_HASH
from probity.apps.audit.models import AuditChainHead, AuditEntry, AuditTrailAppendOnly
from probity.apps.audit.selectors import audit_entries_for, audit_verify
from probity.apps.audit.services import audit_record, audit_view
from probity.cli import main

GUARD = importlib.import_module("probity.apps.audit.migrations.0002_append_only_guard")


@pytest.fixture
def keeper(db):
    return get_user_model().objects.create_user(username="register.keeper", password="x" * 16)


@pytest.fixture
def three_entries(keeper):
    with transaction.atomic():
        return [
            audit_record(actor=keeper, action="declaration.submitted", obj=keeper),
            audit_record(actor=keeper, action="declaration.approved", details={"note": "ok"}),
            audit_record(actor=None, action="register.exported", details={"rows": 12}),
        ]


@contextmanager
def database_guard_lifted():
    """What someone with raw access to the database could do: switch off the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
        else:
            cursor.execute(GUARD.SQLITE_BACKWARD)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = origin")
            else:
                cursor.execute(GUARD.SQLITE_FORWARD)


def raw_entries():
    """A plain queryset: it skips the model's refusals, as direct SQL would."""
    return models.QuerySet(model=AuditEntry)


def test_each_entry_carries_the_hash_of_the_entry_before_it(three_entries):
    first, second, third = three_entries
    assert [e.sequence for e in three_entries] == [1, 2, 3]
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert len({e.hash for e in three_entries}) == 3
    for entry in AuditEntry.objects.all():
        assert entry.hash == entry.computed_hash()
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (3, third.hash)
    assert audit_verify().ok
    assert audit_verify().checked == 3


def test_an_entry_says_who_did_what_to_which_record_and_keeps_no_secrets(keeper):
    with transaction.atomic():
        entry = audit_record(
            actor=keeper,
            action="token.created",
            obj=keeper,
            details={"token_name": "CI", "token": "s3cr3t", "new_password": "hunter2hunter2"},
        )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor == keeper
    assert entry.actor_username == "register.keeper"
    assert entry.action == "token.created"
    assert (entry.object_type, entry.object_id) == ("auth.user", str(keeper.pk))
    assert entry.details == {
        "token_name": "CI",
        "token": "[redacted]",
        "new_password": "[redacted]",
    }
    assert entry.recorded_at is not None


def test_the_system_can_act_without_a_person(db):
    entry = audit_record(actor=None, action="person.imported", details={"rows": 40})
    assert entry.actor is None
    assert entry.actor_username == ""


def test_changing_an_entry_in_the_database_is_reported_at_that_entry(three_entries):
    with database_guard_lifted():
        raw_entries().filter(sequence=2).update(details={"note": "nothing to see"})
    result = audit_verify()
    assert not result.ok
    assert result.first_broken_sequence == 2
    assert result.checked == 1
    assert "changed" in result.reason


def test_changing_an_entry_and_recomputing_its_hash_breaks_the_next_link(three_entries):
    second = AuditEntry.objects.get(sequence=2)
    second.action = "declaration.rejected"
    forged = second.computed_hash()
    with database_guard_lifted():
        raw_entries().filter(sequence=2).update(action="declaration.rejected", hash=forged)
    result = audit_verify()
    assert (result.ok, result.first_broken_sequence) == (False, 3)
    assert "previous hash" in result.reason


def test_removing_an_entry_from_the_middle_is_reported(three_entries):
    with database_guard_lifted():
        raw_entries().filter(sequence=2).delete()
    result = audit_verify()
    assert (result.ok, result.first_broken_sequence) == (False, 2)
    assert "#2 is missing" in result.reason


def test_removing_the_last_entry_is_reported(three_entries):
    with database_guard_lifted():
        raw_entries().filter(sequence=3).delete()
    result = audit_verify()
    assert (result.ok, result.first_broken_sequence) == (False, 3)
    assert "missing from the end" in result.reason


def test_the_database_refuses_to_change_an_entry_whatever_code_asks(three_entries):
    with pytest.raises(DatabaseError), transaction.atomic():
        raw_entries().filter(sequence=1).update(action="declaration.withdrawn")
    assert AuditEntry.objects.get(sequence=1).action == "declaration.submitted"
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            raw_entries().filter(sequence=1).delete()
    assert audit_verify().ok


def test_the_model_refuses_to_change_or_delete_an_entry(three_entries):
    entry = AuditEntry.objects.get(sequence=2)
    entry.details = {"note": "rewritten"}
    with pytest.raises(AuditTrailAppendOnly):
        entry.save()
    with pytest.raises(AuditTrailAppendOnly):
        entry.delete()
    with pytest.raises(AuditTrailAppendOnly):
        AuditEntry.objects.filter(sequence=2).update(details={})
    with pytest.raises(AuditTrailAppendOnly):
        AuditEntry.objects.filter(sequence=2).delete()
    with pytest.raises(AuditTrailAppendOnly):
        AuditEntry.objects.bulk_create([AuditEntry(action="declaration.forged")])
    with pytest.raises(AuditTrailAppendOnly):
        AuditEntry(sequence=4, action="declaration.forged", previous_hash="", hash="0").save()
    assert AuditEntry.objects.count() == 3
    assert audit_verify().ok


def test_a_person_who_has_acted_cannot_be_deleted(three_entries, keeper):
    with pytest.raises(ProtectedError):
        keeper.delete()


def test_an_entry_rolls_back_with_the_change_it_records(three_entries):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="declaration.submitted")
        raise RuntimeError("the change failed")
    assert AuditEntry.objects.count() == 3
    entry = audit_record(actor=None, action="declaration.submitted")
    assert entry.sequence == 4
    assert audit_verify().ok


def test_cli_says_the_trail_is_intact(three_entries, capsys):
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out == "Audit trail intact: 3 entries checked\n"


def test_cli_exits_1_naming_the_first_broken_entry(three_entries, capsys):
    with database_guard_lifted():
        raw_entries().filter(sequence=2).update(details={"note": "nothing to see"})
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Audit trail broken at entry #2: ")


def test_an_empty_trail_is_intact(db, capsys):
    assert audit_verify() == audit_verify().__class__(ok=True, checked=0)
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out == "Audit trail intact: 0 entries checked\n"


def test_viewing_personal_data_is_recorded_with_who_and_where(keeper):
    subject = get_user_model().objects.create_user(username="declarant")
    request = RequestFactory().get(f"/registers/declarations/{subject.pk}?q=secret")
    request.user = keeper
    entry = audit_view(request, subject, "declaration")
    assert entry.action == "declaration.viewed"
    assert entry.actor == keeper
    assert entry.details == {"path": f"/registers/declarations/{subject.pk}"}
    assert list(audit_entries_for(subject)) == [entry]
    assert list(audit_entries_for(keeper)) == []

    by_user = audit_view(keeper, subject, "person.history")
    assert by_user.action == "person.history.viewed"
    anonymous = audit_view(AnonymousUser(), subject, "declaration.viewed")
    assert (anonymous.action, anonymous.actor) == ("declaration.viewed", None)
    assert [e.sequence for e in audit_entries_for(subject)] == [1, 2, 3]


@pytest.mark.parametrize("action", ["", "submitted", "Declaration.Submitted", "a.b c", "x."])
def test_an_action_must_name_a_thing_and_what_happened_to_it(db, action):
    with pytest.raises(ValueError):
        audit_record(actor=None, action=action)


def test_details_must_be_json_not_objects(keeper):
    with pytest.raises(TypeError):
        audit_record(actor=None, action="person.imported", details={"who": keeper})
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_connections_appending_at_once_keep_one_unbroken_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; row locks need PostgreSQL")
    writers, per_writer = 4, 25
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(number: int) -> None:
        try:
            start.wait()
            for index in range(per_writer):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        action="declaration.submitted",
                        details={"writer": number, "index": index},
                    )
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    result = audit_verify()
    assert result.ok, result.reason
    assert result.checked == writers * per_writer
    sequences = list(AuditEntry.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, writers * per_writer + 1))
