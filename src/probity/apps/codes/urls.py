from django.urls import path

from probity.apps.codes import views

app_name = "codes"

urlpatterns = [
    path("codes", views.code_list, name="list"),
    path("codes/<str:code>", views.code_detail, name="code"),
    path("codes/<str:code>/<str:clause>", views.clause_detail, name="clause"),
    path("search", views.search, name="search"),
]
