from django.apps import AppConfig


class CodesConfig(AppConfig):
    name = "probity.apps.codes"
    label = "codes"
    verbose_name = "Codes of conduct"
