"""The Django project: settings, URLs, the GOV.UK page template and the WSGI entry point."""
