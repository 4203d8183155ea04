"""`probity demo` (also `probity manage people_demo`): load the demo organisations."""

from django.core.management.base import BaseCommand

from probity.apps.people.demo import demo_load


class Command(BaseCommand):
    help = "Load (or restore) demo organisations, people and sign-ins. Not for real use."

    def handle(self, *args, **options) -> None:
        self.stdout.write(demo_load().as_text())
