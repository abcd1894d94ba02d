"""URL map: the REST API under /api/v1 (OpenAPI at /api/v1/openapi.json), admin at /admin.

Static files are served by WhiteNoise's middleware (see settings.py); a reverse
proxy in front may serve /static/ from the collected copy itself.
"""

from django.contrib import admin
from django.urls import include, path

from accord.api.app import api
from accord.intake.views import attachment
from accord.intake.voice_http import voice_event
from accord.portal import api as portal_api
from accord.web.views.auth import LoginView

# The portal's invitation endpoint joins the API here, at the top, so that the
# API layer never imports the portal (a layer above it).
api.add_router("", portal_api.router)

urlpatterns = [
    path("api/v1/attachments/<int:pk>", attachment, name="attachment"),
    path("intake/voice/", voice_event, name="voice-event"),
    path("api/v1/", api.urls),
    # The Django admin logs in with the desk's login view, so its second step applies there too.
    path("admin/login/", LoginView.as_view(), name="admin-login"),
    path("admin/", admin.site.urls),
    path("portal/", include("accord.portal.urls")),
    path("", include("accord.web.urls")),
]

# 503 while the database is down, JSON under /api/ (accord/web/errors.py).
handler500 = "accord.web.errors.server_error"
