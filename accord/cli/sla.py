"""`accord sla due` and `accord sla replay`: the engine's CLI contract.

Both answer one JSON object per request. In `--jsonl` mode every input line
gets exactly one output line, in order; a bad line is answered with
`{"id", "error"}` and makes the exit status 1, the other lines are still
answered. Usage errors exit 2 (argparse).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from accord.sla.clock import at_receipt
from accord.sla.errors import PolicyError, SlaInputError
from accord.sla.jsonio import NO_ID, due_json, due_line, parse_instant


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sla = sub.add_parser("sla", help="compute and replay SLA targets")
    cmds = sla.add_subparsers(dest="sla_command", required=True, metavar="SUBCOMMAND")

    due = cmds.add_parser("due", help="due instants of a new request")
    due.add_argument("--policy", help="policy name (capsure, capella) or .toml path")
    due.add_argument("--level")
    due.add_argument("--channel")
    due.add_argument("--received", help="ISO 8601 instant with an offset")
    due.add_argument(
        "--jsonl", metavar="FILE", help="read requests, one JSON object a line (- = stdin)"
    )
    due.add_argument("--explain", action="store_true", help="print the derivation for humans")
    due.set_defaults(handler=run_due)

    replay = cmds.add_parser("replay", help="target states of request timelines")
    replay.add_argument("--policy", required=True)
    replay.add_argument("--jsonl", metavar="FILE", required=True, help="- = stdin")
    replay.add_argument("--explain", action="store_true", help="print the derivation for humans")
    replay.set_defaults(handler=run_replay)


def _lines(path: str) -> Iterator[str]:
    if path == "-":
        yield from sys.stdin
        return
    with open(path, encoding="utf-8") as fh:
        yield from fh


def _open_input(path: str) -> Iterator[str] | None:
    if path != "-":
        try:
            open(path, encoding="utf-8").close()
        except OSError as exc:
            print(f"accord sla: --jsonl: cannot read {path}: {exc.strerror}", file=sys.stderr)
            return None
    return _lines(path)


_POLICIES: dict[str, Any] = {}  # one load per policy name per run


def _policy(name: Any, field: str = "policy") -> Any:
    from accord.sla.policy import load_policy

    found = _POLICIES.get(name) if isinstance(name, str) else None
    if found is not None:
        return found
    if not name or not isinstance(name, str):
        raise SlaInputError(field, "missing (give --policy or a 'policy' key)")
    try:
        found = _POLICIES[name] = load_policy(name)
    except PolicyError as exc:
        raise SlaInputError(field, "; ".join(exc.problems)) from None
    return found


def _field(obj: dict[str, Any], name: str) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not value:
        raise SlaInputError(name, "missing or not a string")
    return value


def _due_one(obj: dict[str, Any], default_policy: str | None) -> tuple[Any, Any]:
    """(the policy, the evaluation at receipt) of one `due` request."""
    policy = _policy(obj.get("policy") or default_policy)
    received = parse_instant(obj.get("received"), "received")
    return policy, at_receipt(policy, _field(obj, "level"), _field(obj, "channel"), received)


def _emit(out: IO[str], obj: dict[str, Any]) -> None:
    out.write(json.dumps(obj, ensure_ascii=False))
    out.write("\n")


def _each_line(path: str, answer: Any, out: IO[str]) -> int:
    """Answer every line of a JSONL input; returns the exit status."""
    lines = _open_input(path)
    if lines is None:
        return 2
    status = 0
    buffered: list[str] = []
    out_write = out.write

    def emit(obj: dict[str, Any] | str) -> None:
        """Queue one answer: a dict, or a line the answer already encoded."""
        buffered.append(obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False))
        if len(buffered) >= 2048:
            out_write("\n".join(buffered) + "\n")
            buffered.clear()

    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        ident: Any = None
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise SlaInputError("line", f"line {n}: expected a JSON object")
            ident = obj.get("id")
            emit(answer(obj))
        except json.JSONDecodeError as exc:
            status = 1
            emit({"id": None, "error": f"line {n}: invalid JSON: {exc.msg}"})
        except (SlaInputError, ValueError) as exc:
            status = 1
            emit({"id": ident, "error": str(exc)})
    if buffered:
        out_write("\n".join(buffered) + "\n")
    return status


def run_due(args: argparse.Namespace) -> int:
    out = sys.stdout
    if args.jsonl:
        if args.policy:
            try:
                _policy(args.policy)
            except SlaInputError as exc:
                print(f"accord sla due: --policy: {exc.message}", file=sys.stderr)
                return 2

        def answer(obj: dict[str, Any]) -> str:
            policy, ev = _due_one(obj, args.policy)
            return due_line(obj.get("id"), ev, policy.zone)

        return _each_line(args.jsonl, answer, out)
    missing = [f"--{n}" for n in ("policy", "level", "channel", "received") if not getattr(args, n)]
    if missing:
        print(f"accord sla due: missing {', '.join(missing)} (or use --jsonl)", file=sys.stderr)
        return 2
    request = {"level": args.level, "channel": args.channel, "received": args.received}
    try:
        policy, ev = _due_one(request, args.policy)
    except (SlaInputError, ValueError) as exc:
        _emit(out, {"error": str(exc)})
        return 1
    from accord.sla.explain import explain

    if args.explain:
        out.write("\n".join(explain(policy, ev)) + "\n")
    else:
        _emit(out, due_json(NO_ID, ev, policy.zone))
    return 0


def _replay_one(policy: Any, obj: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """(the replay answer, the evaluation) of one timeline."""
    from accord.sla.clock import Event, evaluate
    from accord.sla.jsonio import parse_instant, target_to_json

    received = parse_instant(obj.get("received"), "received")
    as_of = parse_instant(obj.get("as_of"), "as_of")
    raw_events = obj.get("events", [])
    if not isinstance(raw_events, list):
        raise SlaInputError("events", "expected a list")
    events = []
    for i, raw in enumerate(raw_events):
        if not isinstance(raw, dict):
            raise SlaInputError(f"events[{i}]", "expected an object")
        to = raw.get("to")
        if to is not None and not isinstance(to, str):
            raise SlaInputError(f"events[{i}].to", "expected a string")
        if not isinstance(raw.get("type"), str):
            raise SlaInputError(f"events[{i}].type", "missing or not a string")
        events.append(Event(parse_instant(raw.get("at"), f"events[{i}].at"), raw["type"], to))
    ev = evaluate(policy, _field(obj, "level"), _field(obj, "channel"), received, events, as_of)
    return {
        "id": obj.get("id"),
        "first_response": target_to_json(ev.first_response, policy.zone),
        "resolution": target_to_json(ev.resolution, policy.zone),
    }, ev


def run_replay(args: argparse.Namespace) -> int:
    try:
        policy = _policy(args.policy)
    except SlaInputError as exc:
        print(f"accord sla replay: --policy: {exc.message}", file=sys.stderr)
        return 2
    out = sys.stdout
    if args.explain:
        from accord.sla.explain import explain

        def answer(obj: dict[str, Any]) -> dict[str, Any]:
            result, ev = _replay_one(policy, obj)
            return {"id": result["id"], "explain": explain(policy, ev)}
    else:

        def answer(obj: dict[str, Any]) -> dict[str, Any]:
            return _replay_one(policy, obj)[0]

    return _each_line(args.jsonl, answer, out)
