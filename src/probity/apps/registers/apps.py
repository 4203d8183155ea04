from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "probity.apps.registers"
    label = "registers"
    verbose_name = "Registers and declarations"
