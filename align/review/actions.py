"""The changes a review page can ask for, each turning a request body into bead operations."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable

from align.review.beads import ReviewBead, Refused, edit, merge, move, split, unalign

if TYPE_CHECKING:
    from align.review.store import ReviewStore

# What a change returns: the history line, the beads it changed, the bead to show next.
Outcome = tuple[str, list[ReviewBead], int]
Action = Callable[["ReviewStore", ReviewBead, dict], Outcome]


def _action_merge(store: ReviewStore, bead: ReviewBead, body: dict) -> Outcome:
    following = store.neighbour(bead, following=True)
    if following is None:
        raise Refused(f"#{bead.id} is the last pair of its document: nothing to merge with")
    return f"merged #{following.id} into #{bead.id}", merge(bead, following), bead.id


def _action_split(store: ReviewStore, bead: ReviewBead, body: dict) -> Outcome:
    new_id, seq = store.slot_after(bead)
    return f"split #{bead.id} (new #{new_id})", split(bead, new_id, seq), bead.id


def _side_of(body: dict) -> str:
    side = body.get("side")
    if side not in ("src", "tgt"):
        raise Refused("side must be 'src' or 'tgt'")
    return side


def _action_move(store: ReviewStore, bead: ReviewBead, body: dict) -> Outcome:
    side, to_previous = _side_of(body), body.get("direction") == "previous"
    neighbour = store.neighbour(bead, following=not to_previous)
    if neighbour is None:
        raise Refused(f"#{bead.id} has no {'previous' if to_previous else 'next'} pair in its document")
    changed = move(bead, side, neighbour, to_previous)
    focus = bead.id if changed[0].live else neighbour.id
    return f"moved a sentence of #{bead.id} to #{neighbour.id}", changed, focus


def _action_unalign(store: ReviewStore, bead: ReviewBead, body: dict) -> Outcome:
    side, first = _side_of(body), bool(body.get("first"))
    new_id, seq = store.slot_before(bead) if first else store.slot_after(bead)
    changed = unalign(bead, side, first, new_id, seq)
    return f"marked a sentence of #{bead.id} unaligned (new #{new_id})", changed, bead.id


def _action_edit(store: ReviewStore, bead: ReviewBead, body: dict) -> Outcome:
    field_name = body.get("field")
    if field_name not in ("tgt", "draft"):
        raise Refused("field must be 'tgt' or 'draft'")
    label = "English" if field_name == "tgt" else "draft"
    return f"edited the {label} of #{bead.id}", edit(bead, field_name, str(body.get("text", ""))), bead.id


def _status_action(status: str) -> Action:
    def action(store: ReviewStore, bead: ReviewBead, body: dict) -> Outcome:
        return f"{status} #{bead.id}", [replace(bead, status=status)], bead.id

    return action


ACTIONS: dict[str, Action] = {
    "accepted": _status_action("accepted"),
    "rejected": _status_action("rejected"),
    "merge": _action_merge,
    "split": _action_split,
    "move": _action_move,
    "unalign": _action_unalign,
    "edit": _action_edit,
}
