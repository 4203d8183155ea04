from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from probity.api.api import api

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("ask/", include("probity.apps.ask.urls")),
    path("", include("probity.apps.codes.urls")),
    path("api/", api.urls),
    path("", include("probity.apps.registers.urls")),  # /declarations…, /registers/…
    path("", include("probity.apps.concerns.urls")),  # /concerns…
    path("", include("probity.apps.offer.urls")),  # /offer…, /flexible-working…
    path("", include("probity.apps.rostering.urls")),  # /rostering…
    path("", include("probity.apps.accounts.urls")),  # /sign-in, /sign-out, /account/…
    path("admin/", admin.site.urls),
]
