from django.apps import AppConfig


class OfferConfig(AppConfig):
    name = "probity.apps.offer"
    label = "offer"
    verbose_name = "Employee offer and flexible working"
