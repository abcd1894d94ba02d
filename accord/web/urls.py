"""The web UI's URLs, mounted at the site root by accord/urls.py."""

from django.urls import path

from accord.web.views import auth, billing, detail, queue, releases, report

app_name = "web"

urlpatterns = [
    path("", queue.queue_page, name="queue"),
    path("queue/rows/", queue.queue_rows, name="queue-rows"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("requests/<str:number>/", detail.request_page, name="request"),
    path("requests/<str:number>/billing/", billing.request_billing, name="request-billing"),
    path(
        "requests/<str:number>/billing/<slug:action>/",
        billing.request_billing_action,
        name="request-billing-action",
    ),
    path("requests/<str:number>/<slug:action>/", detail.request_action, name="action"),
    path("evidence/<int:evidence_id>/", billing.evidence_file, name="evidence"),
    path("organizations/<int:org_id>/billing/", billing.org_billing, name="org-billing"),
    path("invoices/<int:invoice_id>/", billing.invoice_page, name="invoice"),
    path("invoices/<int:invoice_id>/<slug:action>/", billing.invoice_action, name="invoice-action"),
    path(
        "invoices/<int:invoice_id>/export.<str:fmt>", billing.invoice_download, name="invoice-file"
    ),
    path("report/", report.report_page, name="report"),
    path("releases/", releases.releases_page, name="releases"),
    path("releases/<int:release_id>/status/", releases.release_status, name="release-status"),
]
