from django.urls import path

from probity.apps.rostering import views

app_name = "rostering"

urlpatterns = [
    path("rostering", views.index, name="index"),
    path("rostering/my-shifts", views.my_shifts, name="my_shifts"),
    path("rostering/my-shifts.ics", views.my_shifts_ics, name="my_shifts_ics"),
    path("rostering/my-shifts.csv", views.my_shifts_csv, name="my_shifts_csv"),
    path("rostering/teams/<int:pk>", views.team, name="team"),
    path("rostering/teams/<int:pk>/weeks/<str:week>", views.week, name="week"),
    path("rostering/teams/<int:pk>/solve", views.solve, name="solve"),
    path("rostering/teams/<int:pk>/sickness", views.sickness, name="sickness"),
    path("rostering/teams/<int:pk>/night-work", views.night_work, name="night_work"),
    path(
        "rostering/teams/<int:pk>/night-work/<int:person>",
        views.night_work_change,
        name="night_work_change",
    ),
    path("rostering/rosters/<int:pk>", views.roster, name="roster"),
    path("rostering/rosters/<int:pk>/progress.json", views.progress, name="progress"),
    path("rostering/rosters/<int:pk>/publish", views.publish, name="publish"),
    path("rostering/rosters/<int:pk>.csv", views.roster_csv, name="roster_csv"),
    path("rostering/rosters/<int:pk>.ics", views.roster_ics, name="roster_ics"),
    path("rostering/requests", views.shift_requests, name="requests"),
    path(
        "rostering/requests/<int:pk>/withdraw",
        views.shift_request_withdraw,
        name="request_withdraw",
    ),
    path("rostering/swaps", views.swaps, name="swaps"),
    path("rostering/swaps/new/<str:day>", views.swap_new, name="swap_new"),
    path("rostering/swaps/<int:pk>", views.swap, name="swap"),
    path("rostering/swaps/<int:pk>/answer", views.swap_answer, name="swap_answer"),
    path("rostering/swaps/<int:pk>/decide", views.swap_decide, name="swap_decide"),
    path("rostering/swaps/<int:pk>/withdraw", views.swap_withdraw, name="swap_withdraw"),
]
