from django.urls import path

from probity.apps.concerns import views

app_name = "concerns"

urlpatterns = [
    path("concerns", views.start, name="start"),
    path("concerns/report", views.report, name="report"),
    path("concerns/report/check", views.report_check, name="report-check"),
    path(
        "concerns/report/evidence/<int:index>/remove",
        views.report_remove_evidence,
        name="report-remove-evidence",
    ),
    path("concerns/report/<slug:step>", views.report_step, name="report-step"),
    path("concerns/follow-up", views.follow_up, name="follow-up"),
    path("concerns/follow-up/add", views.follow_up_add, name="follow-up-add"),
    path("concerns/mine", views.mine, name="mine"),
    path("concerns/mine/<int:pk>", views.my_report, name="my-report"),
    path("concerns/about-me/<int:pk>", views.about_me, name="about-me"),
    path("concerns/cases", views.queue, name="queue"),
    path("concerns/cases/<int:pk>", views.case_page, name="case"),
    path(
        "concerns/cases/<int:pk>/attachments/<int:attachment_pk>",
        views.attachment,
        name="attachment",
    ),
    path("concerns/cases/<int:pk>/people", views.case_people, name="case-people"),
    path(
        "concerns/cases/<int:pk>/people/<int:person_pk>/remove",
        views.case_people_remove,
        name="case-people-remove",
    ),
    path("concerns/cases/<int:pk>/<slug:action>", views.case_action, name="case-action"),
    path("concerns/log", views.log_concern, name="log"),
    path("concerns/site-access", views.site_access, name="site-access"),
    path("concerns/oversight", views.oversight, name="oversight"),
]
