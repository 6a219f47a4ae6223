"""Office hours: recurring community sessions with RSVP, a question queue, reminders and a recap."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from bot import payloads as kinds
from bot import validation
from bot.domain.errors import NotAllowed, NotFound, ParseError, UserError
from bot.domain.recurrence import parse_recurrence
from bot.domain.states import (
    QUESTION,
    SESSION,
    HostState,
    QuestionState,
    SeriesState,
    SessionState,
)
from bot.messages import Message, Reply, reply
from bot.officehours import wording as oh_wording
from bot.officehours.queue import QueuedQuestion
from bot.officehours.tables import (
    OfficeHours,
    OfficeHoursHost,
    OfficeHoursQuestion,
    OfficeHoursRsvp,
    OfficeHoursSession,
    OfficeHoursVote,
)
from bot.persistence.tables import Member, Workspace
from bot.services import ratelimit
from bot.services.members import Actor, actor_member, ensure_member, find_workspace, require_zone, zone_of
from bot.services.planning import stamp
from bot.services.schedules import (
    reconcile_series,
    topic_series,
    topic_session,
)
from bot.services.transaction import Tx
from bot.services.unit import UnitOfWork

# Slack's modal inputs and Discord's text inputs both stop well above this; a question is one thing.
QUESTION_MAX = 1000
TOPIC_MAX = 300
RECAP_MAX = 3000
JOIN_MAX = 1000
DEFAULT_DURATION = timedelta(minutes=60)
_HAS_DURATION = re.compile(r"\bfor\b|\(\s*\d", re.IGNORECASE)


# ---- loading and permissions ----------------------------------------------------------------------


async def hosts_of(tx: Tx, oh: OfficeHours) -> list[Member]:
    """The hosts who accepted (co-hosts still invited are not hosts yet)."""
    rows = await tx.session.scalars(
        select(Member)
        .join(OfficeHoursHost, OfficeHoursHost.member_id == Member.id)
        .where(OfficeHoursHost.office_hours_id == oh.id, OfficeHoursHost.state == HostState.ACCEPTED)
        .order_by(Member.display_name)
    )
    return list(rows)


# ---- who may create and host ------------------------------------------------------------------------
#
# Creating office hours: workspace admins, and the people admins allow (`/officehours hosts allow @x`,
# kept in the workspace's settings). Hosting: whoever created the series as a non-admin, anyone who
# names themselves, and co-hosts once they accept the DM invitation. Skipping, cancelling, editing and
# recapping: the accepted hosts and workspace admins.

ALLOWED_HOSTS_SETTING = "office_hours_creators"


def allowed_creator_ids(ws: Workspace) -> list[int]:
    ids = (ws.settings or {}).get(ALLOWED_HOSTS_SETTING, [])
    return [int(i) for i in ids] if isinstance(ids, list) else []


def may_create(ws: Workspace, member: Member) -> bool:
    return member.is_admin or member.id in allowed_creator_ids(ws)


async def host_allowlist(uow: UnitOfWork, actor: Actor, verb: str, user_ids: tuple[str, ...]) -> Reply:
    """`/officehours hosts` (anyone: who may create), `hosts allow @x…` and `hosts remove @x…` (admins)."""
    ws, me = await actor_member(uow, actor)
    if verb in ("", "list"):
        ids = allowed_creator_ids(ws)
        people = [m for m in [await uow.session.get(Member, i) for i in ids] if m is not None]
        return Reply(oh_wording.oh_host_allowlist(people))
    if verb not in ("allow", "add", "remove", "deny") or not user_ids:
        raise ParseError(oh_wording.oh_hosts_usage(" ".join([verb, *user_ids]).strip()))
    if not me.is_admin:
        raise NotAllowed(oh_wording.oh_hosts_admins_only())
    people = [await ensure_member(uow, ws, uid) for uid in dict.fromkeys(user_ids)]
    ids = allowed_creator_ids(ws)
    adding = verb in ("allow", "add")
    if all((p.id in ids) == adding for p in people):
        return Reply(oh_wording.oh_host_allowlist_unchanged(people, adding))
    if adding:
        ids = list(dict.fromkeys([*ids, *(p.id for p in people)]))
    else:
        ids = [i for i in ids if i not in {p.id for p in people}]
    # A new dict, so SQLAlchemy sees the JSON column change.
    ws.settings = {**(ws.settings or {}), ALLOWED_HOSTS_SETTING: ids}
    return Reply(oh_wording.oh_host_allowlist_changed(people, adding))


async def invite_cohost(uow: UnitOfWork, ws: Workspace, oh: OfficeHours, member: Member, by: Member) -> None:
    """A co-host named by someone else is asked first: a DM with Accept and Decline."""
    uow.session.add(OfficeHoursHost(office_hours_id=oh.id, member_id=member.id, state=HostState.INVITED))
    invite = kinds.HostInvite(oh.id, member.id, by.id)
    await uow.plan(
        ws, invite.plan(f"oh:{oh.id}:hostinvite:{member.id}:{stamp(uow.now)}", topic_series(oh), uow.now)
    )


async def answer_invite(uow: UnitOfWork, actor: Actor, ident: int, accept: bool) -> Reply:
    """The Accept / Decline buttons of a co-host invitation."""
    ws, me = await actor_member(uow, actor)
    oh = await series_by_id(uow, ws, ident)
    row = await uow.session.get(OfficeHoursHost, (oh.id, me.id))
    if row is None or row.state != HostState.INVITED or oh.state != SeriesState.ACTIVE:
        raise UserError(oh_wording.oh_host_not_invited(oh))
    if accept:
        row.state = HostState.ACCEPTED
    else:
        await uow.session.delete(row)
    return reply(oh_wording.oh_host_answered(oh, accept))


async def invited_of(tx: Tx, oh: OfficeHours) -> list[Member]:
    """Co-hosts asked who have not accepted yet."""
    rows = await tx.session.scalars(
        select(Member)
        .join(OfficeHoursHost, OfficeHoursHost.member_id == Member.id)
        .where(OfficeHoursHost.office_hours_id == oh.id, OfficeHoursHost.state == HostState.INVITED)
        .order_by(Member.display_name)
    )
    return list(rows)


async def is_host(tx: Tx, oh: OfficeHours, member: Member) -> bool:
    return any(h.id == member.id for h in await hosts_of(tx, oh))


async def require_host(tx: Tx, oh: OfficeHours, member: Member, what: str) -> None:
    if not member.is_admin and not await is_host(tx, oh, member):
        raise NotAllowed(oh_wording.oh_hosts_only(what))


async def series_by_id(tx: Tx, ws: Workspace, ident: int) -> OfficeHours:
    oh = await tx.session.get(OfficeHours, ident)
    if oh is None or oh.workspace_id != ws.id:
        raise NotFound(oh_wording.oh_not_found(ident))
    return oh


async def series_exists(uow: UnitOfWork, actor: Actor, ident: int) -> bool:
    ws, _me = await actor_member(uow, actor)
    oh = await uow.session.get(OfficeHours, ident)
    return oh is not None and oh.workspace_id == ws.id


async def active_series(tx: Tx, ws: Workspace) -> list[OfficeHours]:
    rows = await tx.session.scalars(
        select(OfficeHours)
        .where(OfficeHours.workspace_id == ws.id, OfficeHours.state == SeriesState.ACTIVE)
        .order_by(OfficeHours.id)
    )
    return list(rows)


async def pick_series(
    tx: Tx, ws: Workspace, ident: int | None, channel_id: str | None, example: str
) -> OfficeHours:
    """The series a command is about: by number, else the one of this channel, else the only one."""
    if ident is not None:
        return await series_by_id(tx, ws, ident)
    series = await active_series(tx, ws)
    here = [oh for oh in series if channel_id and oh.channel_id == channel_id]
    if len(here) == 1:
        return here[0]
    if len(series) == 1:
        return series[0]
    if not series:
        raise NotFound(oh_wording.oh_none())
    raise UserError(oh_wording.oh_which(series, example))


async def next_session(tx: Tx, oh: OfficeHours) -> OfficeHoursSession | None:
    return await tx.session.scalar(
        select(OfficeHoursSession)
        .where(OfficeHoursSession.office_hours_id == oh.id, OfficeHoursSession.state == SessionState.UPCOMING)
        .order_by(OfficeHoursSession.scheduled_at)
        .limit(1)
    )


async def last_session(tx: Tx, oh: OfficeHours) -> OfficeHoursSession | None:
    """The latest session that has started and was not skipped or cancelled (one that took place, or is
    taking place): questions asked now go to it only while it runs, and a recap goes to it."""
    return await tx.session.scalar(
        select(OfficeHoursSession)
        .where(
            OfficeHoursSession.office_hours_id == oh.id,
            OfficeHoursSession.scheduled_at <= tx.now,
            OfficeHoursSession.state.in_((SessionState.UPCOMING, SessionState.HELD)),
        )
        .order_by(OfficeHoursSession.scheduled_at.desc())
        .limit(1)
    )


async def rsvp_ids(tx: Tx, s: OfficeHoursSession) -> list[int]:
    return list(
        await tx.session.scalars(
            select(OfficeHoursRsvp.member_id)
            .where(OfficeHoursRsvp.session_id == s.id)
            .order_by(OfficeHoursRsvp.created_at)
        )
    )


async def queue(
    tx: Tx, s: OfficeHoursSession, states: tuple[QuestionState, ...] = (QuestionState.OPEN,)
) -> list[QueuedQuestion]:
    """Questions by votes, then age: what hosts take first."""
    votes = (
        select(OfficeHoursVote.question_id, func.count().label("n"))
        .group_by(OfficeHoursVote.question_id)
        .subquery()
    )
    rows = await tx.session.execute(
        select(OfficeHoursQuestion, Member, func.coalesce(votes.c.n, 0))
        .join(Member, Member.id == OfficeHoursQuestion.author_id)
        .outerjoin(votes, votes.c.question_id == OfficeHoursQuestion.id)
        .where(OfficeHoursQuestion.session_id == s.id, OfficeHoursQuestion.state.in_(states))
        .order_by(func.coalesce(votes.c.n, 0).desc(), OfficeHoursQuestion.created_at, OfficeHoursQuestion.id)
    )
    return [QueuedQuestion(q, m, int(n)) for q, m, n in rows]


# ---- scheduling ------------------------------------------------------------------------------------


async def notify_rsvps(tx: Tx, ws: Workspace, oh: OfficeHours, s: OfficeHoursSession, event: str) -> int:
    """A DM to everyone who RSVP'd (cancelled, skipped, reminder): one row each, so none is lost."""
    ids = await rsvp_ids(tx, s)
    for member_id in ids:
        note = kinds.SessionDm(oh.id, s.id, member_id, event)
        topic = topic_session(s) if event == "remind" else topic_series(oh)
        await tx.plan(ws, note.plan(f"oh:{s.id}:{event}:{member_id}", topic, tx.now))
    return len(ids)


async def mark_announcement_off(tx: Tx, ws: Workspace, s: OfficeHoursSession) -> None:
    """A skipped or cancelled session's announcement is edited to say so, without its RSVP button
    (the `oh.refresh` handler renders it from the session's state)."""
    if not s.announce_message_id:
        return
    off = kinds.SessionRefresh(s.office_hours_id, s.id)
    await tx.plan(ws, off.plan(f"oh:{s.id}:off:{s.state}", f"oh:{s.office_hours_id}", tx.now))


async def refresh_announcement(tx: Tx, ws: Workspace, s: OfficeHoursSession) -> None:
    """Keep the announcement's RSVP count live; edits within one minute collapse into one."""
    if not s.announce_message_id:
        return
    refresh = kinds.SessionRefresh(s.office_hours_id, s.id)
    key = f"oh:{s.id}:refresh:{stamp(tx.now)}"
    await tx.plan(ws, refresh.plan(key, topic_session(s), tx.now + timedelta(seconds=5)))


# ---- use-cases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateRequest:
    channel_id: str
    channel_name: str
    phrase: str
    topic: str = ""
    host_user_ids: tuple[str, ...] = ()


async def create(uow: UnitOfWork, actor: Actor, req: CreateRequest) -> Reply:
    ws, me = await actor_member(uow, actor)
    if not may_create(ws, me):
        raise NotAllowed(oh_wording.oh_create_not_allowed())
    named = list({m.id: m for m in [await ensure_member(uow, ws, uid) for uid in req.host_user_ids]}.values())
    # The creator hosts unless an admin set the series up for others; everyone else named is asked.
    hosts = [me] if not named or any(m.id == me.id for m in named) or not me.is_admin else []
    invited = [m for m in named if m.id != me.id]
    validation.user_text(req.topic, "A topic", TOPIC_MAX)
    require_zone(me)
    rec = validation.cadence_within(
        parse_recurrence(req.phrase, zone_of(me), uow.now), uow.now, "The first session"
    )
    if not _HAS_DURATION.search(req.phrase):
        rec = replace(rec, duration=DEFAULT_DURATION)
    twin = next(
        (
            o
            for o in await active_series(uow, ws)
            if o.channel_id == req.channel_id and o.cadence_rule == rec.rule
        ),
        None,
    )
    if twin is not None:
        # The same command sent twice (a retry, a double paste) must not start a second series.
        raise UserError(oh_wording.oh_already_exists(twin))
    duration = rec.duration
    oh = OfficeHours(
        workspace_id=ws.id,
        channel_id=req.channel_id,
        channel_name=req.channel_name,
        topic=req.topic.strip(),
        cadence_rule=rec.rule,
        cadence_phrase=rec.phrase[:300],
        duration_minutes=int(duration.total_seconds() // 60),
        announce_lead_minutes=3 * 1440,
        reminder_lead_minutes=60,
        join_details="",
        state=SeriesState.ACTIVE,
        created_by_id=me.id,
        created_at=uow.now,
    )
    uow.session.add(oh)
    await uow.session.flush()
    for host in hosts:
        uow.session.add(OfficeHoursHost(office_hours_id=oh.id, member_id=host.id, state=HostState.ACCEPTED))
    for member in invited:
        await invite_cohost(uow, ws, oh, member, me)
    s = await reconcile_series(uow, ws, oh)
    created = oh_wording.oh_created(oh, hosts, rec, rec.occurrences_after(uow.now, 3), s, invited)
    if invited:
        created = Message((*created.blocks, *oh_wording.oh_cohosts_invited(invited).blocks), created.summary)
    return Reply(created)


async def list_series(uow: UnitOfWork, actor: Actor) -> Reply:
    ws, _me = await actor_member(uow, actor)
    rows = []
    invited = {}
    for oh in await active_series(uow, ws):
        s = await next_session(uow, oh)
        rows.append((oh, await hosts_of(uow, oh), s, len(await rsvp_ids(uow, s)) if s else 0))
        invited[oh.id] = await invited_of(uow, oh)
    return Reply(oh_wording.oh_list(rows, invited))


async def show_next(uow: UnitOfWork, actor: Actor, ident: int | None) -> Reply:
    ws, _me = await actor_member(uow, actor)
    oh = await pick_series(uow, ws, ident, actor.channel_id, "/officehours next")
    s = await next_session(uow, oh)
    if s is None:
        return Reply(oh_wording.oh_no_upcoming(oh))
    return Reply(
        oh_wording.oh_session_card(
            oh, s, await hosts_of(uow, oh), len(await rsvp_ids(uow, s)), await queue(uow, s)
        )
    )


async def rsvp(
    uow: UnitOfWork, actor: Actor, ident: int | None, session_id: int | None = None, going: bool | None = None
) -> Reply:
    """RSVP (`going` True), take it back (False), or toggle (None: the announcement's button)."""
    ws, me = await actor_member(uow, actor)
    s, oh = await _session_for(uow, ws, actor, ident, session_id, "/officehours rsvp")
    existing = await uow.session.get(OfficeHoursRsvp, (s.id, me.id))
    wanted = existing is None if going is None else going
    if wanted == (existing is not None):
        return Reply(oh_wording.oh_rsvp_already(oh, s, wanted))
    if existing is not None:
        await uow.session.delete(existing)
    else:
        uow.session.add(OfficeHoursRsvp(session_id=s.id, member_id=me.id, created_at=uow.now))
    await uow.session.flush()
    await refresh_announcement(uow, ws, s)
    return Reply(oh_wording.oh_rsvp_ack(oh, s, wanted, len(await rsvp_ids(uow, s))))


async def _session_for(
    tx: Tx, ws: Workspace, actor: Actor, ident: int | None, session_id: int | None, example: str
) -> tuple[OfficeHoursSession, OfficeHours]:
    if session_id is not None:
        s = await tx.session.get(OfficeHoursSession, session_id)
        oh = await tx.session.get(OfficeHours, s.office_hours_id) if s else None
        if s is None or oh is None or oh.workspace_id != ws.id:
            raise NotFound(oh_wording.oh_session_gone())
        if s.state != SessionState.UPCOMING:
            raise UserError(oh_wording.oh_session_over(s))
        return s, oh
    oh = await pick_series(tx, ws, ident, actor.channel_id, example)
    s = await next_session(tx, oh)
    if s is None:
        raise UserError(oh_wording.oh_no_upcoming_text(oh))
    return s, oh


async def _asking_session(tx: Tx, oh: OfficeHours) -> OfficeHoursSession | None:
    """Questions go to the session running now, else to the next one."""
    current = await last_session(tx, oh)
    if current is not None and current.state == SessionState.UPCOMING:
        end = current.scheduled_at + timedelta(minutes=current.duration_minutes)
        if tx.now < end:
            return current
    return await next_session(tx, oh)


async def ask(
    uow: UnitOfWork,
    actor: Actor,
    ident: int | None,
    text: str,
    session_id: int | None = None,
    external_id: str | None = None,
) -> Reply:
    ws, me = await actor_member(uow, actor)
    text = validation.user_text(text, "A question", QUESTION_MAX)
    if not text:
        raise ParseError(oh_wording.oh_ask_empty())
    await ratelimit.enforce(
        uow,
        ratelimit.OFFICE_HOURS_QUESTIONS,
        OfficeHoursQuestion.created_at,
        OfficeHoursQuestion.author_id == me.id,
        OfficeHoursQuestion.carried_from_id.is_(None),
    )
    if session_id is not None:
        s, oh = await _session_for(uow, ws, actor, None, session_id, "/officehours ask")
    else:
        oh = await pick_series(uow, ws, ident, actor.channel_id, "/officehours ask")
        found = await _asking_session(uow, oh)
        if found is None:
            raise UserError(oh_wording.oh_no_upcoming_text(oh))
        s = found
    q = OfficeHoursQuestion(
        session_id=s.id,
        author_id=me.id,
        text=text,
        state=QuestionState.OPEN,
        external_id=external_id,
        created_at=uow.now,
    )
    uow.session.add(q)
    await uow.session.flush()
    position = [x.question.id for x in await queue(uow, s)].index(q.id) + 1
    return Reply(oh_wording.oh_asked(q, s, position))


async def _question(
    tx: Tx, ws: Workspace, qid: int
) -> tuple[OfficeHoursQuestion, OfficeHoursSession, OfficeHours]:
    q = await tx.session.get(OfficeHoursQuestion, qid)
    s = await tx.session.get(OfficeHoursSession, q.session_id) if q else None
    oh = await tx.session.get(OfficeHours, s.office_hours_id) if s else None
    if q is None or s is None or oh is None or oh.workspace_id != ws.id:
        raise NotFound(oh_wording.oh_question_not_found(qid))
    return q, s, oh


async def upvote(uow: UnitOfWork, actor: Actor, qid: int) -> Reply:
    ws, me = await actor_member(uow, actor)
    q, s, _oh = await _question(uow, ws, qid)
    if q.state != QuestionState.OPEN:
        return Reply(oh_wording.oh_question_closed(q))
    if q.author_id == me.id:
        raise UserError(oh_wording.oh_own_question())
    existing = await uow.session.get(OfficeHoursVote, (q.id, me.id))
    if existing is None:
        uow.session.add(OfficeHoursVote(question_id=q.id, member_id=me.id))
    else:
        await uow.session.delete(existing)
    await uow.session.flush()
    votes = next((x.votes for x in await queue(uow, s) if x.question.id == q.id), 0)
    return Reply(oh_wording.oh_voted(q, existing is None, votes))


async def withdraw(uow: UnitOfWork, actor: Actor, qid: int) -> Reply:
    ws, me = await actor_member(uow, actor)
    q, _s, oh = await _question(uow, ws, qid)
    if q.author_id != me.id and not await is_host(uow, oh, me) and not me.is_admin:
        raise NotAllowed(oh_wording.oh_not_your_question(qid))
    if q.state != QuestionState.OPEN:
        return Reply(oh_wording.oh_question_closed(q))
    q.state = QUESTION.move(q.state, QuestionState.WITHDRAWN)
    return Reply(oh_wording.oh_withdrawn(q))


async def answered(uow: UnitOfWork, actor: Actor, qid: int) -> Reply:
    ws, me = await actor_member(uow, actor)
    q, _s, oh = await _question(uow, ws, qid)
    await require_host(uow, oh, me, "mark questions answered")
    if q.state != QuestionState.OPEN:
        return Reply(oh_wording.oh_question_closed(q))
    q.state = QUESTION.move(q.state, QuestionState.ANSWERED)
    q.answered_at = uow.now
    return Reply(oh_wording.oh_answered(q))


async def list_questions(uow: UnitOfWork, actor: Actor, ident: int | None) -> Reply:
    ws, me = await actor_member(uow, actor)
    oh = await pick_series(uow, ws, ident, actor.channel_id, "/officehours questions")
    s = await _asking_session(uow, oh)
    if s is None:
        return Reply(oh_wording.oh_no_upcoming(oh))
    host = me.is_admin or await is_host(uow, oh, me)
    return Reply(oh_wording.oh_queue(oh, s, await queue(uow, s), host))


async def record_recap(uow: UnitOfWork, actor: Actor, ident: int | None, text: str) -> Reply:
    ws, me = await actor_member(uow, actor)
    oh = await pick_series(uow, ws, ident, actor.channel_id, "/officehours recap")
    await require_host(uow, oh, me, "write the recap")
    text = validation.user_text(text, "A recap", RECAP_MAX)
    if not text:
        raise ParseError(oh_wording.oh_recap_missing())
    s = await last_session(uow, oh)
    if s is None:
        raise UserError(oh_wording.oh_no_session_yet(oh))
    if s.recap:
        s.recap, s.recap_by_id = text.strip(), me.id
        return Reply(oh_wording.oh_recap_updated())
    s.recap, s.recap_by_id = text.strip(), me.id
    await uow.withdraw(topic_session(s), kinds=("oh.recap",))
    await uow.plan(ws, kinds.SessionRecap(oh.id, s.id).plan(f"oh:{s.id}:recap", topic_session(s), uow.now))
    return Reply(oh_wording.oh_recap_saved(s))


async def close_session(
    tx: Tx, ws: Workspace, oh: OfficeHours, s: OfficeHoursSession
) -> list[QueuedQuestion]:
    """After the recap: open questions carry over to the next session; returns them."""
    carried = await queue(tx, s)
    if s.state == SessionState.UPCOMING:
        s.state = SESSION.move(s.state, SessionState.HELD)
    nxt = await reconcile_series(tx, ws, oh)
    if nxt is None or nxt is s:
        return []
    for item in carried:
        item.question.state = QUESTION.move(item.question.state, QuestionState.CARRIED)
        tx.session.add(
            OfficeHoursQuestion(
                session_id=nxt.id,
                author_id=item.author.id,
                text=item.question.text,
                state=QuestionState.OPEN,
                carried_from_id=item.question.id,
                created_at=tx.now,
            )
        )
    await tx.session.flush()
    return carried


async def skip(uow: UnitOfWork, actor: Actor, ident: int | None) -> Reply:
    ws, me = await actor_member(uow, actor)
    oh = await pick_series(uow, ws, ident, actor.channel_id, "/officehours skip")
    await require_host(uow, oh, me, "skip a session")
    s = await next_session(uow, oh)
    if s is None:
        raise UserError(oh_wording.oh_no_upcoming_text(oh))
    s.state = SESSION.move(s.state, SessionState.SKIPPED)
    told = await notify_rsvps(uow, ws, oh, s, "skipped")
    await mark_announcement_off(uow, ws, s)
    nxt = await reconcile_series(uow, ws, oh)
    if nxt is not None:
        # Questions already asked for the skipped session wait for the next one.
        await uow.session.execute(
            update(OfficeHoursQuestion)
            .where(OfficeHoursQuestion.session_id == s.id, OfficeHoursQuestion.state == QuestionState.OPEN)
            .values(session_id=nxt.id)
        )
    return Reply(oh_wording.oh_skipped(s, nxt, told))


async def cancel(uow: UnitOfWork, actor: Actor, ident: int | None) -> Reply:
    ws, me = await actor_member(uow, actor)
    oh = await pick_series(uow, ws, ident, actor.channel_id, "/officehours cancel")
    await require_host(uow, oh, me, "cancel office hours")
    if oh.state == SeriesState.CANCELLED:
        raise UserError(oh_wording.oh_already_cancelled(oh))
    oh.state = SeriesState.CANCELLED
    told = 0
    for s in list(
        await uow.session.scalars(
            select(OfficeHoursSession).where(
                OfficeHoursSession.office_hours_id == oh.id, OfficeHoursSession.state == SessionState.UPCOMING
            )
        )
    ):
        s.state = SESSION.move(s.state, SessionState.CANCELLED)
        told += await notify_rsvps(uow, ws, oh, s, "cancelled")
        await mark_announcement_off(uow, ws, s)
    await reconcile_series(uow, ws, oh)
    return Reply(oh_wording.oh_cancelled(oh, told))


EDITABLE = ("topic", "cadence", "hosts", "join", "announce", "remind")


async def edit(
    uow: UnitOfWork,
    actor: Actor,
    ident: int | None,
    field: str,
    value: str,
    host_user_ids: tuple[str, ...] = (),
) -> Reply:
    ws, me = await actor_member(uow, actor)
    oh = await pick_series(uow, ws, ident, actor.channel_id, "/officehours edit")
    await require_host(uow, oh, me, "edit office hours")
    if field == "topic":
        oh.topic = validation.user_text(value, "A topic", TOPIC_MAX)
    elif field == "join":
        oh.join_details = validation.user_text(value, "The join details", JOIN_MAX)
    elif field == "hosts":
        if not host_user_ids:
            raise ParseError(oh_wording.oh_hosts_missing())
        named = [await ensure_member(uow, ws, uid) for uid in dict.fromkeys(host_user_ids)]
        keep = {m.id for m in named}
        await uow.session.execute(
            delete(OfficeHoursHost).where(
                OfficeHoursHost.office_hours_id == oh.id, OfficeHoursHost.member_id.not_in(keep)
            )
        )
        invited = []
        for member in named:
            if await uow.session.get(OfficeHoursHost, (oh.id, member.id)) is not None:
                continue  # already a host, or already asked
            if member.id == me.id:
                uow.session.add(
                    OfficeHoursHost(office_hours_id=oh.id, member_id=me.id, state=HostState.ACCEPTED)
                )
            else:
                await invite_cohost(uow, ws, oh, member, me)
                invited.append(member)
        if invited:
            edited = oh_wording.oh_edited(oh, field)
            return Reply(
                Message((*edited.blocks, *oh_wording.oh_cohosts_invited(invited).blocks), edited.summary)
            )
    elif field in ("announce", "remind"):
        from bot.domain.timeparse import parse_duration

        minutes = int(parse_duration(value).total_seconds() // 60)
        if field == "announce":
            oh.announce_lead_minutes = minutes
        else:
            oh.reminder_lead_minutes = minutes
    elif field == "cadence":
        rec = validation.cadence_within(
            parse_recurrence(value, zone_of(me), uow.now), uow.now, "The first session"
        )
        oh.cadence_rule, oh.cadence_phrase = rec.rule, rec.phrase[:300]
        if _HAS_DURATION.search(value):
            oh.duration_minutes = int(rec.duration.total_seconds() // 60)
        # A session not announced yet simply moves; an announced one stays (see schedules.reconcile_series).
    else:
        raise ParseError(oh_wording.oh_edit_fields(field))
    await reconcile_series(uow, ws, oh)
    return Reply(oh_wording.oh_edited(oh, field))


async def stats(uow: UnitOfWork, actor: Actor, ident: int | None) -> Reply:
    ws, _me = await actor_member(uow, actor)
    oh = await pick_series(uow, ws, ident, actor.channel_id, "/officehours stats")
    sessions = list(
        await uow.session.scalars(
            select(OfficeHoursSession)
            .where(OfficeHoursSession.office_hours_id == oh.id, OfficeHoursSession.scheduled_at <= uow.now)
            .order_by(OfficeHoursSession.scheduled_at)
        )
    )
    rows = []
    for s in sessions:
        rsvps = len(await rsvp_ids(uow, s))
        asked = await uow.session.scalar(
            select(func.count()).where(
                OfficeHoursQuestion.session_id == s.id, OfficeHoursQuestion.carried_from_id.is_(None)
            )
        )
        done = await uow.session.scalar(
            select(func.count()).where(
                OfficeHoursQuestion.session_id == s.id, OfficeHoursQuestion.state == QuestionState.ANSWERED
            )
        )
        rows.append((s, rsvps, int(asked or 0), int(done or 0)))
    return Reply(oh_wording.oh_stats(oh, rows))


async def thread_question(uow: UnitOfWork, actor: Actor, text: str, external_id: str) -> Reply | None:
    """A reply in an announcement's thread is a question for that session (once per platform message)."""
    if actor.channel_id is None or actor.thread_id is None:
        return None
    # Find the session first: a reply in a thread that is not ours touches nothing.
    ws = await find_workspace(uow, actor.platform, actor.workspace_id)
    if ws is None:
        return None
    s = await uow.session.scalar(
        select(OfficeHoursSession)
        .join(OfficeHours, OfficeHours.id == OfficeHoursSession.office_hours_id)
        .where(
            OfficeHours.workspace_id == ws.id,
            OfficeHoursSession.announce_channel == actor.channel_id,
            OfficeHoursSession.thread_id == actor.thread_id,
        )
    )
    if s is None:
        return None
    if await uow.session.scalar(
        select(OfficeHoursQuestion.id).where(OfficeHoursQuestion.external_id == external_id)
    ):
        return None
    if s.state != SessionState.UPCOMING:
        # After the session its thread is for talking it over; only questions before it are queued.
        return None
    return await ask(uow, actor, None, text, session_id=s.id, external_id=external_id)
