from django.urls import path

from probity.apps.ask import views

app_name = "ask"

urlpatterns = [
    path("", views.start, name="start"),
    path("who", views.who, name="who"),
    path("who/<slug:code>", views.role, name="role"),
    path("about", views.about, name="about"),
    path("question/<slug:fact>", views.question, name="question"),
    path("check", views.check, name="check"),
    path("outcome", views.outcome, name="outcome"),
]
