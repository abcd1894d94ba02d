"""URL map: the REST API under /api/v1 (OpenAPI at /api/v1/openapi.json), admin at /admin.

Static files (the admin's CSS) are collected into the data dir by `accord run
web` and served from there; a reverse proxy in front may serve /static/ itself.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from accord.api.app import api
from accord.intake.views import attachment
from accord.portal import api as portal_api

# The portal's invitation endpoint joins the API here, at the top, so that the
# API layer never imports the portal (a layer above it).
api.add_router("", portal_api.router)

urlpatterns = [
    path("api/v1/attachments/<int:pk>", attachment, name="attachment"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    re_path(r"^static/(?P<path>.*)$", serve, {"document_root": settings.STATIC_ROOT}),
    path("portal/", include("accord.portal.urls")),
    path("", include("accord.web.urls")),
]

# 503 while the database is down, JSON under /api/ (accord/web/errors.py).
handler500 = "accord.web.errors.server_error"
