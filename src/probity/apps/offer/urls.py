from django.urls import path

from probity.apps.offer import views

app_name = "offer"

urlpatterns = [
    path("offer", views.index, name="index"),
    path("offer/search", views.search, name="search"),
    path("offer/sections/<slug:section>", views.section, name="section"),
    path("offer/calculators", views.calculators, name="calculators"),
    path("offer/calculators/<slug:name>", views.calculator_start, name="calculator"),
    path("offer/calculators/<slug:name>/check", views.calculator_check, name="calculator_check"),
    path("offer/calculators/<slug:name>/result", views.calculator_result, name="calculator_result"),
    path(
        "offer/calculators/<slug:name>/result.txt",
        views.calculator_result,
        name="calculator_result_text",
    ),
    path("offer/calculators/<slug:name>/clear", views.calculator_clear, name="calculator_clear"),
    path(
        "offer/calculators/<slug:name>/<slug:question>",
        views.calculator_question,
        name="calculator_question",
    ),
    path("flexible-working", views.flexible_mine, name="flexible"),
    path("flexible-working/check", views.flexible_check, name="flexible_check"),
    path("flexible-working/to-decide", views.flexible_to_decide, name="flexible_to_decide"),
    path("flexible-working/<int:pk>", views.flexible_request, name="flexible_request"),
    path("flexible-working/<int:pk>/decide", views.flexible_decide, name="flexible_decide"),
    path("flexible-working/<int:pk>/changes", views.flexible_changes, name="flexible_changes"),
    path("flexible-working/<int:pk>/withdraw", views.flexible_withdraw, name="flexible_withdraw"),
    path("flexible-working/new/<slug:question>", views.flexible_question, name="flexible_question"),
]
