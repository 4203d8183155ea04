"""Django apps by domain (shared/design.md): each has services, selectors, views and forms."""
