"""The portal's URLs, mounted at /portal/ by accord/urls.py."""

from django.urls import path

from accord.portal.views import auth, requests, staff, submit

app_name = "portal"

urlpatterns = [
    path("", requests.request_list, name="requests"),
    path("login/", auth.login_page, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("forgot/", auth.forgot, name="forgot"),
    path("set-password/<str:uidb64>/<str:token>/", auth.set_password, name="set-password"),
    path("sign-in/<str:uidb64>/<str:token>/", auth.sign_in_link, name="sign-in-link"),
    path("new/", submit.new_request, name="new"),
    path("requests/<str:number>/", requests.request_page, name="request"),
    path("requests/<str:number>/reply/", requests.reply, name="reply"),
    path("requests/<str:number>/status/", requests.set_status, name="status"),
    path("attachments/<int:pk>/", requests.attachment, name="attachment"),
    path("calendar/", requests.calendar_page, name="calendar"),
    path("calendar/<str:key>.ics", requests.calendar_feed, name="feed"),
    path("staff/invite/<int:contact_id>/", staff.invite, name="staff-invite"),
]
