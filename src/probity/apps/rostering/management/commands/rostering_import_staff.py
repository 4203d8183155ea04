"""`probity rostering import-staff ORG_SLUG FILE.csv` (also `probity manage
rostering_import_staff …`): the people import's command, running the staff details import."""

from __future__ import annotations

from probity.apps.people.management.commands.people_import import Command as PeopleImport
from probity.apps.rostering.staff_import import staff_details_import


class Command(PeopleImport):
    help = "Import or update people's rostering staff details from CSV (all or nothing)."
    importer = staticmethod(staff_details_import)
