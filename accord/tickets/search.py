"""Finding requests by what an agent remembers: one query function, two engines.

`search(actor, text)` ranks the requests the actor may see against the words
of `text` and returns each with the passage that matched. What a request is
found by is its `SearchDocument` (models.py), in three parts:

- `head`: the number (`SR-1001 1001`), subject, description, the contact's
  name, email and phone (also as bare digits, so `6445550101` finds
  `+64 4 555 0101`) and the organisation's name;
- `body`: the text of every public, non-automated message;
- `notes`: the text of internal notes, searched for staff only.

The document is kept in step inside the writer's own transaction by
`post_save` receivers (`connect()`, from the app's `ready`): a saved request,
contact or organisation rebuilds the heads it appears in, a stored message
appends its text. Nothing is done after commit, so the index can never miss a
change that committed. `rebuild()` recomputes documents from scratch (the
migration's backfill, `accord search reindex`).

Query grammar, the same on both engines: words and "quoted phrases"; a
request matches when it contains all of them (English stemming, so
"payments" finds "payment"). A text that is a request number (`SR-1001`,
`1001`) puts that request first.

- PostgreSQL: full-text search over the weighted tsvector
  `head` (A) `body` (B) `notes` (C), which has a GIN expression index
  (`tickets_search_gin`); rank `ts_rank_cd`, passage `ts_headline`.
- SQLite: an FTS5 table `tickets_search_fts` (porter stemming) mirroring the
  document table through triggers; rank `bm25` weighted 10/4/1, passage
  `snippet`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models.signals import post_save
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accord.accounts.actor import Actor
from accord.contracts.models import Contact, Organization
from accord.errors import Invalid
from accord.tickets.listing import RELATED
from accord.tickets.models import NUMBER_PREFIX, Message, Request, SearchDocument, SlaTarget
from accord.tickets.queries import visible_requests

MAX_TEXT = 200
# tsvector values are limited to 1 MB; a request's message text beyond this is not indexed.
MAX_BODY = 200_000
# Markers around matched words in passages; escaped away before HTML is made.
_OPEN, _CLOSE = "\u27e6", "\u27e7"
_TERMS = re.compile(r'"([^"]*)"|(\S+)')
_NUMBER = re.compile(rf"^(?:{re.escape(NUMBER_PREFIX)})?(\d{{1,18}})$", re.IGNORECASE)

PG_VECTOR = (
    "(setweight(to_tsvector('english', {d}.head), 'A') || "
    "setweight(to_tsvector('english', {d}.body), 'B') || "
    "setweight(to_tsvector('english', {d}.notes), 'C'))"
)
PG_PUBLIC_VECTOR = (
    "(setweight(to_tsvector('english', {d}.head), 'A') || "
    "setweight(to_tsvector('english', {d}.body), 'B'))"
)


@dataclass(frozen=True)
class Hit:
    request: Request
    rank: float
    snippet: SafeString

    @property
    def targets(self) -> list[SlaTarget]:
        """The stored target rows (prefetched with the hits)."""
        return list(self.request.targets.all())


def terms(text: str) -> list[str]:
    """Words and quoted phrases, without the quotes; empty parts dropped."""
    found = [(m.group(1) or m.group(2) or "").strip() for m in _TERMS.finditer(text)]
    return [t.replace('"', "") for t in found if t.replace('"', "").strip()]


def parse_query(text: str, field: str = "q") -> list[str]:
    text = text.strip()
    if not text:
        raise Invalid(field, "type at least one word")
    if len(text) > MAX_TEXT:
        raise Invalid(field, f"at most {MAX_TEXT} characters")
    found = terms(text)
    if not found:
        raise Invalid(field, "type at least one word")
    return found


def search(
    actor: Actor,
    text: str,
    *,
    limit: int = 50,
    offset: int = 0,
    status: str | None = None,
    organization: int | None = None,
    field: str = "q",
) -> list[Hit]:
    """Requests the actor may see that contain every term of `text`, best first.

    Staff also match internal notes; a customer's search never reads them (nor
    shows them in a passage). `status` and `organization` narrow the requests.
    Raises Invalid naming `field` for an empty text.
    """
    found = parse_query(text, field)
    own = actor.organization
    staff = own is None
    where, params = "", []
    for column, value in (
        ("organization_id", None if own is None else own.pk),
        ("organization_id", organization),
        ("status", status),
    ):
        if value is not None:
            where += f" AND r.{column} = %s"
            params.append(value)
    if connection.vendor == "postgresql":
        ranked = _postgres(found, staff, where, params, limit + offset)
    else:
        ranked = _sqlite(found, staff, where, params, limit + offset)
    number = _NUMBER.match(text.strip())
    if number:
        exact = visible_requests(actor).filter(number=int(number.group(1)))
        if organization is not None:
            exact = exact.filter(organization_id=organization)
        if status is not None:
            exact = exact.filter(status=status)
        for (pk,) in exact.values_list("pk"):
            ranked = [(pk, float("inf"), "")] + [r for r in ranked if r[0] != pk]
    ranked = ranked[offset : offset + limit]
    requests = (
        Request.objects.select_related(*RELATED, "contact")
        .prefetch_related("targets")
        .in_bulk([pk for pk, _, _ in ranked])
    )
    return [
        Hit(requests[pk], rank, _passage(passage)) for pk, rank, passage in ranked if pk in requests
    ]


def _passage(raw: str) -> SafeString:
    """Escaped text with the matched words in <mark>."""
    html = escape(" ".join(raw.split()))
    return mark_safe(html.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))


def _postgres(
    found: list[str], staff: bool, narrow: str, narrow_params: list[Any], limit: int
) -> list[tuple[int, float, str]]:
    query = " && ".join(["phraseto_tsquery('english', %s)"] * len(found))
    vector = PG_VECTOR.format(d="d")
    where, params = f"{vector} @@ q.query{narrow}", [*found, *narrow_params]
    text = "d.head || ' ' || left(d.body, 20000)"
    if not staff:
        where += f" AND {PG_PUBLIC_VECTOR.format(d='d')} @@ q.query"
    else:
        text += " || ' ' || left(d.notes, 20000)"
    options = f"StartSel={_OPEN}, StopSel={_CLOSE}, MaxFragments=2, MaxWords=18, MinWords=6"
    sql = f"""
        WITH q AS (SELECT ({query}) AS query),
        ranked AS (
            SELECT d.request_id, ts_rank_cd({vector}, q.query) AS rank, r.number
            FROM tickets_searchdocument d
            JOIN tickets_request r ON r.id = d.request_id, q
            WHERE {where}
            ORDER BY rank DESC, r.number DESC
            LIMIT %s
        )
        SELECT ranked.request_id, ranked.rank,
               ts_headline('english', {text}, q.query, %s)
        FROM ranked JOIN tickets_searchdocument d ON d.request_id = ranked.request_id, q
        ORDER BY ranked.rank DESC, ranked.number DESC
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, options])
        return [(pk, float(rank), passage) for pk, rank, passage in cursor.fetchall()]


def _fts5_query(found: list[str], staff: bool) -> str:
    phrases = " ".join('"' + t + '"' for t in found)
    return phrases if staff else "{head body} : (" + phrases + ")"


def _sqlite(
    found: list[str], staff: bool, narrow: str, narrow_params: list[Any], limit: int
) -> list[tuple[int, float, str]]:
    where = f"tickets_search_fts MATCH %s{narrow}"
    params = [_fts5_query(found, staff), *narrow_params]
    snip = f"snippet(tickets_search_fts, {{col}}, '{_OPEN}', '{_CLOSE}', '…', 16)"
    # Staff: the best column; customers: body or head only, never notes.
    passage = (
        snip.format(col=-1)
        if staff
        else f"CASE WHEN instr({snip.format(col=1)}, '{_OPEN}') > 0 "
        f"THEN {snip.format(col=1)} ELSE {snip.format(col=0)} END"
    )
    sql = f"""
        SELECT f.rowid, -bm25(tickets_search_fts, 10.0, 4.0, 1.0) AS rank, {passage}
        FROM tickets_search_fts f JOIN tickets_request r ON r.id = f.rowid
        WHERE {where}
        ORDER BY rank DESC, r.number DESC
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return [(pk, float(rank), passage) for pk, rank, passage in cursor.fetchall()]


# --- keeping the documents in step -------------------------------------------


def head_text(
    number: int,
    subject: str,
    description: str,
    contact: Iterable[str],
    organization: str,
) -> str:
    """The head of a request's document: what it is found by besides its messages."""
    name, email, phone = contact
    digits = "".join(ch for ch in phone if ch.isdigit())
    return "\n".join(
        [
            f"{NUMBER_PREFIX}{number} {number}",
            subject,
            description,
            " ".join(p for p in (name, email, phone, digits) if p),
            organization,
        ]
    )


_HEAD_FIELDS = (
    "pk",
    "number",
    "subject",
    "description",
    "contact__name",
    "contact__email",
    "contact__phone",
    "organization__name",
)


def _head_from_values(v: dict[str, Any]) -> str:
    return head_text(
        v["number"],
        v["subject"],
        v["description"],
        (v["contact__name"], v["contact__email"], v["contact__phone"]),
        v["organization__name"],
    )


def rebuild(
    requests: Any = None,
    *,
    request_model: Any = Request,
    message_model: Any = Message,
    document_model: Any = SearchDocument,
    batch: int = 1000,
) -> int:
    """Recompute the documents of `requests` (a queryset; all when None) from scratch.

    The model arguments let the migration's backfill pass its historical models.
    Returns the number of documents written.
    """
    qs = request_model.objects.all() if requests is None else requests
    written = 0
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        heads = {
            v["pk"]: _head_from_values(v)
            for v in request_model.objects.filter(pk__in=chunk).values(*_HEAD_FIELDS)
        }
        body: dict[int, list[str]] = {pk: [] for pk in chunk}
        notes: dict[int, list[str]] = {pk: [] for pk in chunk}
        messages = message_model.objects.filter(request_id__in=chunk, automated=False)
        for rid, public, text in messages.order_by("at", "pk").values_list(
            "request_id", "public", "body_text"
        ):
            (body if public else notes)[rid].append(text)
        document_model.objects.filter(request_id__in=chunk).delete()
        document_model.objects.bulk_create(
            document_model(
                request_id=pk,
                head=heads[pk],
                body="\n".join(t for t in body[pk] if t.strip())[:MAX_BODY],
                notes="\n".join(t for t in notes[pk] if t.strip())[:MAX_BODY],
            )
            for pk in chunk
        )
        written += len(chunk)
    return written


def index_head(request: Request) -> None:
    """Write the head of one request's document (creating the document if new)."""
    values = Request.objects.filter(pk=request.pk).values(*_HEAD_FIELDS).first()
    if values is None:
        return
    head = _head_from_values(values)
    if not SearchDocument.objects.filter(request_id=request.pk).update(head=head):
        SearchDocument.objects.create(request_id=request.pk, head=head)


def index_new(
    request: Request, contact: Contact, organization: Organization, first: Message
) -> None:
    """The whole document of a request opened in this transaction, in one insert.

    `open_request` inserts the request and its messages with `bulk_create`, which
    sends no `post_save`, so the receivers below do not rebuild it piece by piece
    (a read and a write for the head, another pair for the first message); the
    document is what they would have written: the head, and the customer's first
    message unless automated (the acknowledgement always is).
    """
    head = head_text(
        request.number,
        request.subject,
        request.description,
        (contact.name, contact.email, contact.phone),
        organization.name,
    )
    body = "" if first.automated or not first.body_text.strip() else first.body_text
    SearchDocument.objects.create(request=request, head=head, body=body[:MAX_BODY])


def index_message(message: Message) -> None:
    """Append a stored message's text to its request's document."""
    if message.automated or not message.body_text.strip():
        return
    doc = SearchDocument.objects.filter(request_id=message.request_id).first()
    if doc is None:
        rebuild(Request.objects.filter(pk=message.request_id))
        return
    part = "body" if message.public else "notes"
    text = "\n".join(t for t in (getattr(doc, part), message.body_text) if t)
    setattr(doc, part, text[:MAX_BODY])
    doc.save(update_fields=[part])


def _request_saved(sender: type, instance: Request, raw: bool = False, **_: Any) -> None:
    if not raw:
        index_head(instance)


def _message_saved(
    sender: type, instance: Message, created: bool = False, raw: bool = False, **_: Any
) -> None:
    if created and not raw:
        index_message(instance)


def _party_saved(
    sender: type, instance: Any, created: bool = False, raw: bool = False, **_: Any
) -> None:
    """A renamed contact or organisation: the heads its requests show change."""
    if created or raw:
        return
    field = "contact" if sender is Contact else "organization"
    rebuild(Request.objects.filter(**{field: instance.pk}))


def connect() -> None:
    """Keep documents in step with every save, inside the saving transaction."""
    post_save.connect(_request_saved, sender=Request, dispatch_uid="search.request")
    post_save.connect(_message_saved, sender=Message, dispatch_uid="search.message")
    post_save.connect(_party_saved, sender=Contact, dispatch_uid="search.contact")
    post_save.connect(_party_saved, sender=Organization, dispatch_uid="search.organization")
