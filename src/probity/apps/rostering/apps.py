from django.apps import AppConfig


class RosteringConfig(AppConfig):
    name = "probity.apps.rostering"
    label = "rostering"
    verbose_name = "Rostering"
