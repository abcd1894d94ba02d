"""The web UI's URLs, mounted at the site root by accord/urls.py."""

from django.urls import path

from accord.web.views import (
    auth,
    billing,
    detail,
    macros,
    mail_images,
    manage,
    manage_contracts,
    manage_imap,
    new_request,
    oncall,
    organizations,
    password,
    queue,
    releases,
    report,
    reports,
    search,
    triage,
)

app_name = "web"

urlpatterns = [
    path("", queue.queue_page, name="queue"),
    path("queue/rows/", queue.queue_rows, name="queue-rows"),
    path("views/", queue.save_view, name="view-save"),
    path("views/list/", queue.view_list, name="view-list"),
    path("views/<int:view_id>/delete/", queue.delete_view, name="view-delete"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/change/", password.PasswordChangeView.as_view(), name="password-change"),
    path(
        "password/change/done/",
        password.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
    path("password/reset/", password.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/sent/", password.PasswordResetDoneView.as_view(), name="password-reset-done"
    ),
    path(
        "password/reset/done/",
        password.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        password.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("requests/new/", new_request.new_request, name="request-new"),
    path("requests/<str:number>/", detail.request_page, name="request"),
    path("requests/<str:number>/billing/", billing.request_billing, name="request-billing"),
    path(
        "requests/<str:number>/billing/<slug:action>/",
        billing.request_billing_action,
        name="request-billing-action",
    ),
    path(
        "requests/<str:number>/messages/<int:message_id>/images/",
        mail_images.message_images,
        name="message-images",
    ),
    path("requests/<str:number>/macro/", macros.macro_apply, name="macro-apply"),
    path("requests/<str:number>/macro/preview/", macros.macro_preview, name="macro-preview"),
    path("requests/<str:number>/<slug:action>/", detail.request_action, name="action"),
    path("macros/", macros.macro_list, name="macros"),
    path("macros/<int:macro_id>/delete/", macros.macro_delete, name="macro-delete"),
    path("evidence/<int:evidence_id>/", billing.evidence_file, name="evidence"),
    path("organizations/<int:org_id>/billing/", billing.org_billing, name="org-billing"),
    path("invoices/<int:invoice_id>/", billing.invoice_page, name="invoice"),
    path("invoices/<int:invoice_id>/<slug:action>/", billing.invoice_action, name="invoice-action"),
    path(
        "invoices/<int:invoice_id>/export.<str:fmt>", billing.invoice_download, name="invoice-file"
    ),
    path("report/", report.report_page, name="report"),
    path("manage/addresses/", manage.addresses, name="manage-addresses"),
    path("manage/addresses/<int:pk>/", manage.addresses, name="manage-address"),
    path("manage/users/", manage.users, name="manage-users"),
    path("manage/users/<str:name>/", manage.user_change, name="manage-user"),
    path("manage/outbox/", manage.outbox, name="manage-outbox"),
    path("manage/imap/", manage_imap.sources, name="manage-imap"),
    path("manage/imap/<int:pk>/", manage_imap.source, name="manage-imap-source"),
    path("manage/imap/<int:pk>/test/", manage_imap.test_connection, name="manage-imap-test"),
    path("oncall/", oncall.oncall_page, name="oncall"),
    path("oncall/shifts/", oncall.add_shift, name="oncall-shift"),
    path("oncall/rotations/", oncall.add_rotation, name="oncall-rotation"),
    path("oncall/shifts/<int:shift_id>/remove/", oncall.remove_shift, name="oncall-remove"),
    path("pages/<int:page_id>/ack/", oncall.acknowledge, name="page-ack-desk"),
    path("pages/ack/<str:token>/", oncall.ack_link, name="page-ack"),
    path("manage/organizations/", manage_contracts.organizations, name="manage-organizations"),
    path(
        "manage/organizations/<int:org_id>/",
        manage_contracts.organization_edit,
        name="organization-edit",
    ),
    path(
        "manage/organizations/<int:org_id>/active/",
        manage_contracts.organization_active,
        name="organization-active",
    ),
    path(
        "manage/organizations/<int:org_id>/domains/",
        manage_contracts.domain_add,
        name="organization-domain-add",
    ),
    path(
        "manage/organizations/<int:org_id>/domains/remove/",
        manage_contracts.domain_remove,
        name="organization-domain-remove",
    ),
    path(
        "manage/organizations/<int:org_id>/contacts/",
        manage_contracts.contact_add,
        name="organization-contact-add",
    ),
    path(
        "manage/organizations/<int:org_id>/entitlements/",
        manage_contracts.entitlement_add,
        name="organization-entitlement-add",
    ),
    path(
        "manage/organizations/<int:org_id>/installations/",
        manage_contracts.installation_set,
        name="organization-installation",
    ),
    path(
        "manage/organizations/<int:org_id>/deliveries/",
        manage_contracts.delivery_add,
        name="organization-delivery",
    ),
    path(
        "manage/deliveries/<int:delivery_id>/installed/",
        manage_contracts.delivery_installed,
        name="delivery-installed",
    ),
    path("manage/contacts/<int:contact_id>/", manage_contracts.contact_edit, name="contact-edit"),
    path(
        "manage/contacts/<int:contact_id>/active/",
        manage_contracts.contact_active,
        name="contact-active",
    ),
    path(
        "manage/entitlements/<int:entitlement_id>/",
        manage_contracts.entitlement_edit,
        name="entitlement-edit",
    ),
    path(
        "manage/entitlements/<int:entitlement_id>/active/",
        manage_contracts.entitlement_active,
        name="entitlement-active",
    ),
    path("releases/", releases.releases_page, name="releases"),
    path("releases/<int:release_id>/status/", releases.release_status, name="release-status"),
    path("search/", search.search_page, name="search"),
    path("triage/exclusions/", triage.suggested_exclusions, name="suggested-exclusions"),
    path("organizations/<int:org_id>/", organizations.organization_page, name="organization"),
    path("contacts/<int:contact_id>/", organizations.contact_page, name="contact"),
    path("contacts/<int:contact_id>/link/", organizations.link_contact, name="contact-link"),
    path(
        "contacts/<int:contact_id>/confirm/", organizations.confirm_contact, name="contact-confirm"
    ),
    path("installations/late/", organizations.late_installations, name="late-installations"),
    path("reports/", reports.overview, name="reports"),
    path("reports/organizations/<int:org_id>/", reports.organization, name="org-report"),
    path("reports/organizations/<int:org_id>/targets/", reports.drill, name="org-report-drill"),
    path(
        "reports/organizations/<int:org_id>/statement/",
        reports.statement_send,
        name="statement-send",
    ),
    path(
        "reports/organizations/<int:org_id>/statement/preview/",
        reports.statement_preview,
        name="statement-preview",
    ),
    path(
        "reports/organizations/<int:org_id>/statement/subscription/",
        reports.statement_subscription,
        name="statement-subscription",
    ),
]
