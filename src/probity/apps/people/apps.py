from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "probity.apps.people"
    label = "people"
    verbose_name = "Organisations and people"
