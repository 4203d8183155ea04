from django.apps import AppConfig


class AskConfig(AppConfig):
    name = "probity.apps.ask"
    label = "ask"
    verbose_name = "Can I…? interview"
