from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "probity.apps.concerns"
    label = "concerns"
    verbose_name = "Concerns and cases"
