from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "probity.apps.audit"
    label = "audit"
    verbose_name = "Audit trail"
