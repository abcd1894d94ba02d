"""The web UI's URLs, mounted at the site root by accord/urls.py."""

from django.urls import path

from accord.web.views import auth, detail, manage, queue, report

app_name = "web"

urlpatterns = [
    path("", queue.queue_page, name="queue"),
    path("queue/rows/", queue.queue_rows, name="queue-rows"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("requests/<str:number>/", detail.request_page, name="request"),
    path("requests/<str:number>/<slug:action>/", detail.request_action, name="action"),
    path("report/", report.report_page, name="report"),
    path("manage/addresses/", manage.addresses, name="manage-addresses"),
    path("manage/addresses/<int:pk>/", manage.addresses, name="manage-address"),
    path("manage/users/", manage.users, name="manage-users"),
    path("manage/users/<str:name>/", manage.user_change, name="manage-user"),
    path("manage/outbox/", manage.outbox, name="manage-outbox"),
]
