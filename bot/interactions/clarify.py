"""Questions asked back: when what was typed has two plausible readings (or the speaker's zone is not
known yet), the bot asks, with one button per likely answer. Each answer is stored as the command(s) it
runs, so pressing a button — or typing the answer — does exactly what the person would have typed."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import select

from bot import wording
from bot.domain.dates import to_local
from bot.domain.errors import AskBack, AskWhich, UserError, ZoneNeeded
from bot.domain.matching import RequestState
from bot.domain.recurrence import with_time
from bot.domain.states import MentorshipState
from bot.matching.tables import MentorRequest
from bot.messages import Reply, reply
from bot.persistence.tables import Clarification, Member
from bot.services import members, overlap, planning
from bot.services.access import other_party_id, pick
from bot.services.members import Actor, actor_member, find_member, zone_of
from bot.services.unit import UnitOfWork

# An answer older than this is stale: the situation it was asked in has moved on.
ANSWER_WINDOW = timedelta(days=1)
MAX_CHOICES = 4
FALLBACK_ZONES = ("UTC",)

Run = Callable[[UnitOfWork, Actor, str, str], Awaitable[Reply]]


def replace_fragment(text: str, fragment: str, replacement: str) -> str | None:
    """`text` with the unclear `fragment` (any case, any spacing) replaced; None when it is not there."""
    if not fragment:
        return replacement
    pattern = r"\s+".join(re.escape(part) for part in fragment.split())
    replaced, count = re.subn(pattern, replacement.replace("\\", "\\\\"), text, count=1, flags=re.IGNORECASE)
    return replaced if count else None


async def ask(uow: UnitOfWork, actor: Actor, command: str, text: str, question: AskBack) -> Reply:
    """Store the answers to `question` and reply with it, one button per answer."""
    ws, me = await actor_member(uow, actor)
    options: list[list[list[str]]] = []
    labels: list[str] = []
    if isinstance(question, ZoneNeeded):
        for zone in await likely_zones(uow, me):
            options.append([["timezone", zone], [command, text]])
            labels.append(zone)
    elif isinstance(question, AskWhich):
        for label, addition in question.choices[:MAX_CHOICES]:
            options.append([[command, f"{text} {addition}".strip()]])
            labels.append(label)
    else:
        for label, replacement in question.choices[:MAX_CHOICES]:
            new_text = replace_fragment(text, question.fragment, replacement)
            if new_text is not None:
                options.append([[command, new_text]])
                labels.append(label)
    if not options:
        return reply(question.message, ok=False)
    row = Clarification(workspace_id=ws.id, member_id=me.id, options=options, created_at=uow.now)
    uow.session.add(row)
    await uow.session.flush()
    body = wording.zone_needed() if isinstance(question, ZoneNeeded) else question.message
    if isinstance(question, AskWhich):
        body = question.for_typed(f"/{command} {text}".strip())
    return Reply(wording.asked_back(body, labels, row.id), ok=False)


async def answer(uow: UnitOfWork, actor: Actor, index: int, ident: int, run: Run) -> Reply:
    """A button under a question: run what that answer stands for, once."""
    _ws, me = await actor_member(uow, actor)
    row = await uow.session.get(Clarification, ident)
    if row is None or row.member_id != me.id or not 0 <= index < len(row.options):
        return reply(wording.BUTTON_STALE, ok=False)
    if row.answered_at is not None or uow.now - row.created_at > ANSWER_WINDOW:
        return reply(wording.question_already_answered(), ok=False)
    row.answered_at = uow.now
    result = reply(wording.BUTTON_STALE, ok=False)
    for command, text in row.options[index]:
        result = await run(uow, actor, command, text)
        if not result.ok:
            break
    return result


async def require_zone(uow: UnitOfWork, actor: Actor) -> None:
    """Raise ZoneNeeded when nobody (neither the person nor their platform) has said their zone."""
    _ws, me = await actor_member(uow, actor)
    members.require_zone(me)


async def likely_zones(uow: UnitOfWork, me: Member) -> list[str]:
    """The zones most people in this workspace use, then UTC: the likeliest answers for a newcomer."""
    zones = await uow.session.scalars(
        select(Member.tz).where(Member.workspace_id == me.workspace_id, Member.tz.is_not(None))
    )
    common = [zone for zone, _count in Counter(z for z in zones if z).most_common(MAX_CHOICES - 1)]
    return list(dict.fromkeys([*common, *FALLBACK_ZONES]))[:MAX_CHOICES]


async def requests_waiting_for(uow: UnitOfWork, actor: Actor, other: str | None) -> list[tuple[int, str]]:
    """Mentor requests sent to this person and not answered yet: (number, "#4 from @sam: goal")."""
    ws, me = await actor_member(uow, actor)
    query = select(MentorRequest).where(
        MentorRequest.workspace_id == ws.id,
        MentorRequest.mentor_id == me.id,
        MentorRequest.state == RequestState.REQUESTED,
    )
    if other is not None:
        mentee = await find_member(uow, ws, other)
        if mentee is None:
            return []
        query = query.where(MentorRequest.mentee_id == mentee.id)
    found = []
    for req in await uow.session.scalars(query.order_by(MentorRequest.id)):
        mentee = await uow.session.get(Member, req.mentee_id)
        if mentee is None:
            raise UserError(wording.BUTTON_STALE)
        found.append((req.id, wording.request_choice(req.id, mentee.display_name, req.goal)))
    return found


async def with_clash_note(
    uow: UnitOfWork, actor: Actor, other: str | None, result: Reply, cadence_phrase: str | None = None
) -> Reply:
    """`result` (a cadence set or a check-in moved) plus, when it falls outside the other person's
    working hours (or 22:00–07:00), a note saying so and a button for a time that suits both."""
    ws, me = await actor_member(uow, actor)
    m = await pick(uow, ws, me, other, (MentorshipState.ACTIVE, MentorshipState.PAUSED))
    them = await uow.session.get(Member, other_party_id(me, m))
    if them is None:
        return result
    length = timedelta(minutes=m.duration_minutes)
    if cadence_phrase is not None:
        rec = planning.recurrence_of(m)
        instants = rec.occurrences_after(uow.now, 5) if rec else []
    else:
        c = await planning.next_open_checkin(uow, m)
        instants = [c.scheduled_at] if c else []
    clash = overlap.first_clash(instants, length, me, zone_of(me), them)
    if clash is None:
        return result
    option: str | None = None
    if clash.suggestion is not None:
        if cadence_phrase is not None:
            changed = with_time(cadence_phrase, clash.suggestion)
            option = f"cadence {changed} with <@{them.external_id}>" if changed else None
        else:
            day = to_local(clash.at, zone_of(me)).date()
            option = f"reschedule {day.isoformat()} {clash.suggestion:%H:%M} with <@{them.external_id}>"
    ident = None
    if option is not None:
        row = Clarification(
            workspace_id=ws.id, member_id=me.id, options=[[["mentor", option]]], created_at=uow.now
        )
        uow.session.add(row)
        await uow.session.flush()
        ident = row.id
    note = wording.clash_note(
        clash.at, them, clash.other_zone, clash.hours, clash.suggestion, zone_of(me), ident
    )
    return Reply(wording.combined([result.message, note]), public=result.public, ok=result.ok)
