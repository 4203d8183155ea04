from django.urls import path

from probity.apps.registers import views

app_name = "registers"

urlpatterns = [
    path("declarations", views.mine, name="mine"),
    path("declarations/new", views.new, name="new"),
    path("declarations/new/kind", views.new_kind, name="new-kind"),
    path("declarations/new/details", views.new_details, name="new-details"),
    path("declarations/new/check", views.new_check, name="new-check"),
    path("declarations/to-decide", views.to_decide, name="to-decide"),
    path("declarations/campaigns", views.campaign_list, name="campaigns"),
    path("declarations/campaigns/new", views.campaign_new, name="campaign-new"),
    path("declarations/campaigns/<int:pk>", views.campaign, name="campaign"),
    path("declarations/campaigns/<int:pk>/return", views.campaign_return, name="campaign-return"),
    path("declarations/<int:pk>", views.declaration, name="declaration"),
    path("declarations/<int:pk>.pdf", views.declaration_pdf, name="declaration-pdf"),
    path("declarations/<int:pk>/submitted", views.submitted, name="submitted"),
    path("declarations/<int:pk>/withdraw", views.withdraw, name="withdraw"),
    path("declarations/<int:pk>/add-information", views.add_information, name="add-information"),
    path("declarations/<int:pk>/approve", views.approve, name="approve"),
    path(
        "declarations/<int:pk>/approve-with-conditions",
        views.approve_with_conditions,
        name="approve-with-conditions",
    ),
    path("declarations/<int:pk>/refuse", views.refuse, name="refuse"),
    path(
        "declarations/<int:pk>/ask-for-information",
        views.ask_for_information,
        name="ask-for-information",
    ),
    path("registers/<slug:register>", views.register, name="register"),
    path("registers/<slug:register>/export.csv", views.export_csv, name="export-csv"),
    path("registers/<slug:register>/export.xlsx", views.export_xlsx, name="export-xlsx"),
    path(
        "registers/<slug:register>/transparency.csv",
        views.export_transparency,
        name="export-transparency",
    ),
]
