"""The desk's "Invite to portal" button: staff only, posts back to the request page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accord.errors import DeskError
from accord.portal import accounts, mail
from accord.portal.views.common import base_url
from accord.web.access import actor_for, staff_required


@require_POST
@staff_required
def invite(request: HttpRequest, contact_id: int) -> HttpResponse:
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("web:queue")
    try:
        account, message = accounts.invite(
            actor_for(request), contact_id, base_url=base_url(request)
        )
        mail.send(message)
    except DeskError as exc:
        messages.error(request, f"Invite to portal: {exc.message}")
    except mail.MailNotSent as exc:
        messages.error(request, f"Invite to portal: recorded, but {exc}; invite again later")
    else:
        messages.success(request, f"Invitation to the portal mailed to {account.email}.")
    return HttpResponseRedirect(back)
