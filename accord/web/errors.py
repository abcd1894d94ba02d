"""What a request gets when the server fails: 503 while the database is down, else 500.

Django calls `server_error` (urls.handler500) for any exception no view or API
handler answered, including those raised by middleware (a session read while
the database is down). API clients (`/api/...`) get the API's JSON error
shape; browsers a plain page. Nothing here touches the database or templates.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER = "30"
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Accord: {title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>{title}</h1><p>{detail}</p></body></html>
"""


def unavailable(request: HttpRequest, exc: BaseException | None) -> tuple[int, str]:
    if isinstance(exc, DATABASE_DOWN):
        return 503, "The database is unavailable. Nothing was changed; try again shortly."
    return 500, "Internal error; it has been logged."


def server_error(request: HttpRequest) -> HttpResponse:
    status, detail = unavailable(request, sys.exc_info()[1])
    headers = {"Retry-After": RETRY_AFTER} if status == 503 else {}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "field": None}, status=status, headers=headers)
    title = "temporarily unavailable" if status == 503 else "server error"
    page = _PAGE.format(title=title, detail=detail)
    return HttpResponse(page, status=status, headers=headers)
