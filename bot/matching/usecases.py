"""Use-cases of finding a mentor: profiles, suggestions, requests with an intake, decisions and claims."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from bot import payloads as kinds
from bot import validation, wording
from bot.domain.dates import parse_date
from bot.domain.errors import NotAllowed, NotFound, ParseError, UserError
from bot.domain.matching import (
    FOCUSES,
    MAX_TAGS,
    WAITING_STATES,
    RequestState,
    goal_is_specific,
    parse_tags,
)
from bot.domain.recurrence import parse_recurrence
from bot.domain.states import MAX_MENTORS_PER_MENTEE, MentorshipState
from bot.matching import wording as matching_wording
from bot.matching.support import (
    EXPIRY_GRACE,
    answer_window,
    is_full,
    mentoring_count,
    profile_of,
    requests_channel,
    requests_involving,
    suggestions_for,
    taken_mentors,
    topic_request,
    transition,
    update_settings,
    waiting_requests,
)
from bot.matching.tables import MentorProfile, MentorRequest, RequestClaim
from bot.messages import Reply
from bot.persistence.tables import Member, Mentorship, Workspace
from bot.services import mentorships, planning, schedules
from bot.services.access import MentorshipId, mentorships_of
from bot.services.members import Actor, actor_member, ensure_member, find_member, zone_of
from bot.services.profile import resolve_zone
from bot.services.unit import UnitOfWork

GOAL_MAX = 1000
FIELD_MAX = 1000
NOTE_MAX = 500
CAPACITY_MAX = 10
MAX_WAITING = 3
MAX_ANSWER_DAYS = 30


# ---- profiles -------------------------------------------------------------------------------------


async def show_profile(uow: UnitOfWork, actor: Actor, user_id: str | None) -> Reply:
    ws, me = await actor_member(uow, actor)
    member = me if user_id is None else await find_member(uow, ws, user_id)
    if member is None:
        raise NotFound(matching_wording.no_profile_of(user_id or ""))
    profile = await profile_of(uow, member)
    if profile is None:
        if member.id == me.id:
            return Reply(wording.form_message(matching_wording.profile_form(None, me)))
        raise NotFound(matching_wording.no_profile_of(member.display_name))
    taken = await mentoring_count(uow, member.id)
    return Reply(matching_wording.profile_card(member, profile, taken, mine=member.id == me.id))


async def profile_form(uow: UnitOfWork, actor: Actor) -> Reply:
    _ws, me = await actor_member(uow, actor)
    return Reply(wording.form_message(matching_wording.profile_form(await profile_of(uow, me), me)))


@dataclass(frozen=True)
class ProfileInput:
    tags: list[str]
    focuses: list[str]
    capacity: int
    cadence: str
    note: str
    zone: str | None


def read_profile(values: Mapping[str, str], me: Member, now: datetime) -> ProfileInput:
    """Validate the profile form; each bad field gets its own friendly reply."""
    tags = parse_tags(values.get("tags") or "")
    if not tags:
        raise ParseError(matching_wording.PROFILE_TAGS_MISSING)
    if len(tags) > MAX_TAGS:
        raise ParseError(matching_wording.profile_too_many_tags(MAX_TAGS, len(tags)))
    focuses = parse_tags((values.get("focus") or "").replace(" ", ","))
    unknown = [f for f in focuses if f not in FOCUSES]
    if unknown:
        raise ParseError(matching_wording.profile_focus_bad(unknown[0], FOCUSES))
    raw_capacity = (values.get("capacity") or "1").strip()
    capacity = validation.whole_number(raw_capacity)
    if capacity is None or not 1 <= capacity <= CAPACITY_MAX:
        raise ParseError(matching_wording.profile_capacity_bad(raw_capacity[:20], CAPACITY_MAX))
    zone = None
    if (values.get("timezone") or "").strip():
        zone = resolve_zone(values["timezone"])
    cadence = " ".join((values.get("cadence") or "").split())
    if cadence:
        validation.cadence_within(
            parse_recurrence(cadence, zone or zone_of(me), now), now, "The first session"
        )
    note = validation.user_text(values.get("note") or "", "The note", NOTE_MAX)
    return ProfileInput(tags, focuses, capacity, cadence[:300], note, zone)


async def save_profile(uow: UnitOfWork, actor: Actor, values: Mapping[str, str]) -> Reply:
    ws, me = await actor_member(uow, actor)
    data = read_profile(values, me, uow.now)
    if data.zone is not None:
        me.tz, me.tz_source = data.zone, "user"
    profile = await profile_of(uow, me)
    created = profile is None
    if profile is None:
        profile = MentorProfile(workspace_id=ws.id, member_id=me.id, available=True, created_at=uow.now)
        uow.session.add(profile)
    profile.tags, profile.focuses, profile.capacity = data.tags, data.focuses, data.capacity
    profile.cadence, profile.note, profile.updated_at = data.cadence, data.note, uow.now
    await uow.session.flush()
    taken = await mentoring_count(uow, me.id)
    return Reply(matching_wording.profile_saved(me, profile, taken, created))


async def set_available(uow: UnitOfWork, actor: Actor, on: bool) -> Reply:
    _ws, me = await actor_member(uow, actor)
    profile = await profile_of(uow, me)
    if profile is None:
        raise UserError(matching_wording.PROFILE_NEEDED)
    profile.available, profile.updated_at = on, uow.now
    return Reply(matching_wording.availability_set(on, await is_full(uow, profile)))


# ---- finding -----------------------------------------------------------------------------------------


async def find(uow: UnitOfWork, actor: Actor, topic: str) -> Reply:
    ws, me = await actor_member(uow, actor)
    ranking = await suggestions_for(uow, ws, me, topic)
    return Reply(matching_wording.suggestions(topic, ranking, requests_channel(ws) is not None))


# ---- requesting ----------------------------------------------------------------------------------


async def _requestable(uow: UnitOfWork, ws: Workspace, me: Member, mentor: Member) -> MentorProfile:
    """The mentor's profile, when a request to them can be made now; else a friendly reason."""
    if mentor.id == me.id:
        raise UserError(matching_wording.request_self())
    profile = await profile_of(uow, mentor)
    if profile is None:
        raise UserError(matching_wording.not_a_mentor(mentor.display_name))
    if not profile.available:
        raise UserError(matching_wording.mentor_unavailable(mentor.display_name))
    if await is_full(uow, profile):
        raise UserError(matching_wording.mentor_full(mentor.display_name))
    if mentor.id in await taken_mentors(uow, me):
        raise UserError(matching_wording.already_asked(mentor.display_name))
    if len(await waiting_requests(uow, me)) >= MAX_WAITING:
        raise UserError(matching_wording.too_many_waiting(MAX_WAITING))
    await _mentee_has_room(uow, me)
    return profile


async def _mentee_has_room(uow: UnitOfWork, me: Member) -> None:
    # Asked now rather than when a mentor accepts, so a yes can always become a mentorship.
    as_mentee = [m for m in await mentorships_of(uow, me) if m.mentee_id == me.id]
    if len(as_mentee) >= MAX_MENTORS_PER_MENTEE:
        raise UserError(wording.too_many_mentors(me.display_name, MAX_MENTORS_PER_MENTEE))


async def _mentor_by_member_id(uow: UnitOfWork, ws: Workspace, member_id: int) -> Member:
    mentor = await uow.session.get(Member, member_id)
    if mentor is None or mentor.workspace_id != ws.id:
        raise NotFound(wording.BUTTON_STALE)
    return mentor


async def request_form(uow: UnitOfWork, actor: Actor, mentor_user_id: str | None) -> Reply:
    """`/mentor request @ann` (or with no one: the community's requests channel) opens the intake."""
    ws, me = await actor_member(uow, actor)
    if mentor_user_id is None:
        channel = requests_channel(ws)
        if channel is None:
            raise UserError(matching_wording.NO_REQUESTS_CHANNEL)
        return Reply(wording.form_message(matching_wording.request_form(None)))
    mentor = await ensure_member(uow, ws, mentor_user_id)
    await _requestable(uow, ws, me, mentor)
    return Reply(wording.form_message(matching_wording.request_form(mentor)))


async def request_form_for(uow: UnitOfWork, actor: Actor, mentor_member_id: int) -> Reply:
    """The Request button of a suggestion."""
    ws, me = await actor_member(uow, actor)
    mentor = await _mentor_by_member_id(uow, ws, mentor_member_id)
    await _requestable(uow, ws, me, mentor)
    return Reply(wording.form_message(matching_wording.request_form(mentor)))


@dataclass(frozen=True)
class Intake:
    goal: str
    target: date | None
    constraints: str
    tried: str
    cadence: str
    topic: str = ""


def read_intake(values: Mapping[str, str], me: Member, now: datetime) -> Intake:
    goal = validation.user_text(" ".join((values.get("goal") or "").split()), "The goal", GOAL_MAX)
    if not goal:
        raise ParseError(matching_wording.GOAL_MISSING)
    if not goal_is_specific(goal):
        raise ParseError(matching_wording.goal_too_vague(goal))
    today = now.astimezone(zone_of(me)).date()
    target = None
    by = (values.get("by") or "").strip()
    if by:
        target = parse_date(by, today)
        if target <= today:
            raise ParseError(wording.target_past(target))
        validation.date_within(target, today, "The target date")
    cadence = " ".join((values.get("cadence") or "").split())
    if cadence:
        validation.cadence_within(parse_recurrence(cadence, zone_of(me), now), now, "The first session")
    fields = {}
    for key in ("constraints", "tried"):
        fields[key] = validation.user_text(
            values.get(key) or "", matching_wording.INTAKE_LABELS[key], FIELD_MAX
        )
    return Intake(
        goal, target, fields["constraints"], fields["tried"], cadence[:300], values.get("topic", "")[:200]
    )


async def submit_request(
    uow: UnitOfWork, actor: Actor, mentor_member_id: int | None, values: Mapping[str, str]
) -> Reply:
    """The intake form (or `/mentor request @ann <goal>`): a request to one mentor or to the channel."""
    ws, me = await actor_member(uow, actor)
    intake = read_intake(values, me, uow.now)
    mentor = None
    if mentor_member_id:
        mentor = await _mentor_by_member_id(uow, ws, mentor_member_id)
        await _requestable(uow, ws, me, mentor)
    else:
        if requests_channel(ws) is None:
            raise UserError(matching_wording.NO_REQUESTS_CHANNEL)
        if len(await waiting_requests(uow, me)) >= MAX_WAITING:
            raise UserError(matching_wording.too_many_waiting(MAX_WAITING))
        await _mentee_has_room(uow, me)
    window = answer_window(ws)
    req = MentorRequest(
        workspace_id=ws.id,
        mentee_id=me.id,
        mentor_id=mentor.id if mentor else None,
        goal=intake.goal,
        target_date=intake.target,
        constraints=intake.constraints,
        tried=intake.tried,
        cadence=intake.cadence,
        topic=intake.topic,
        state=RequestState.REQUESTED if mentor else RequestState.OPEN,
        remind_at=uow.now + window,
        expires_at=uow.now + window + EXPIRY_GRACE,
        decision_note="",
        created_at=uow.now,
    )
    uow.session.add(req)
    await uow.session.flush()
    await schedules.reconcile_request(uow, ws, req)
    return Reply(matching_wording.request_sent(req, mentor, window))


async def quick_request(uow: UnitOfWork, actor: Actor, mentor_user_id: str | None, text: str) -> Reply:
    """`/mentor request @ann <goal> [by DATE]`: the intake's goal typed inline."""
    ws, _me = await actor_member(uow, actor)
    words = text.split()
    values = {"goal": text}
    lowered = [w.lower() for w in words]
    if "by" in lowered:
        i = len(lowered) - 1 - lowered[::-1].index("by")
        if 0 < len(words) - i - 1 <= 4:
            values = {"goal": " ".join(words[:i]), "by": " ".join(words[i + 1 :])}
    if mentor_user_id is None:
        return await submit_request(uow, actor, None, values)
    mentor = await ensure_member(uow, ws, mentor_user_id)
    return await submit_request(uow, actor, mentor.id, values)


async def _notify(
    uow: UnitOfWork, ws: Workspace, req: MentorRequest, event: str, to: Member, **params: object
) -> None:
    key = f"req:{req.id}:notice:{event}:{to.id}:{planning.stamp(uow.now)}:{uuid.uuid4().hex[:12]}"
    notice = kinds.RequestNotice(req.id, event, to.id, dict(params))
    await uow.plan(ws, notice.plan(key, topic_request(req), uow.now))


async def _close(
    uow: UnitOfWork,
    req: MentorRequest,
    from_states: tuple[RequestState, ...],
    state: RequestState,
    by: Member,
    note: str = "",
    **extra: object,
) -> None:
    """Decide the request atomically, or explain that it was decided meanwhile."""
    values = {
        "state": state.value,
        "decided_by_id": by.id,
        "decided_at": uow.now,
        "decision_note": note[:NOTE_MAX],
    }
    if not await transition(uow, req, [s.value for s in from_states], **values, **extra):
        if req.state == RequestState.CLAIMED:
            raise UserError(await _claim_lost(uow, req))
        raise UserError(matching_wording.request_already(req))
    ws = await uow.session.get(Workspace, req.workspace_id)
    assert ws is not None
    await schedules.reconcile_request(uow, ws, req)


# ---- deciding ------------------------------------------------------------------------------------


async def get_request(uow: UnitOfWork, me: Member, request_id: int) -> MentorRequest:
    """By id, within the member's workspace: another workspace's request is "not found"."""
    req = await uow.session.get(MentorRequest, request_id)
    if req is None or req.workspace_id != me.workspace_id:
        raise NotFound(matching_wording.request_not_found(request_id))
    return req


async def _for_mentor(
    uow: UnitOfWork, actor: Actor, request_id: int
) -> tuple[Workspace, Member, MentorRequest]:
    """A request this person, as its mentor, may answer now."""
    ws, me = await actor_member(uow, actor)
    req = await get_request(uow, me, request_id)
    if req.mentor_id != me.id:
        if req.state == RequestState.OPEN:
            raise UserError(matching_wording.open_request_claim_instead(req.id))
        raise NotAllowed(matching_wording.not_your_request())
    if req.state != RequestState.REQUESTED:
        raise UserError(matching_wording.request_already(req))
    return ws, me, req


async def _start(
    uow: UnitOfWork, ws: Workspace, req: MentorRequest, mentor: Member, mentee: Member
) -> Mentorship:
    """The accepted (or claimed) request becomes an active mentorship with the intake as its goals."""
    m = await mentorships.create_mentorship(
        uow, ws, mentor, mentee, mentor, req.goal, req.target_date, "", MentorshipState.PROPOSED
    )
    await mentorships.activate(uow, ws, m)
    req.mentorship_id = m.id
    # Planned after the welcome, so the intake and the first session follow it in the new home.
    kickoff = kinds.RequestKickoff(req.id, m.id)
    await uow.plan(ws, kickoff.plan(f"req:{req.id}:kickoff", planning.topic_mentorship(m), uow.now))
    return m


async def _check_room(uow: UnitOfWork, me: Member) -> MentorProfile | None:
    profile = await profile_of(uow, me)
    if profile is not None and await is_full(uow, profile):
        raise UserError(matching_wording.you_are_full(profile.capacity))
    return profile


async def accept(uow: UnitOfWork, actor: Actor, request_id: int) -> Reply:
    ws, me, req = await _for_mentor(uow, actor, request_id)
    profile = await _check_room(uow, me)
    mentee = await uow.session.get(Member, req.mentee_id)
    assert mentee is not None
    await _close(uow, req, (RequestState.REQUESTED,), RequestState.ACCEPTED, me)
    await _start(uow, ws, req, me, mentee)
    await _notify(uow, ws, req, "accepted", mentee)
    now_full = profile is not None and await is_full(uow, profile)
    return Reply(matching_wording.request_accepted(mentee, now_full))


async def decline_form(uow: UnitOfWork, actor: Actor, request_id: int) -> Reply:
    await _for_mentor(uow, actor, request_id)
    return Reply(wording.form_message(matching_wording.decline_form(request_id)))


async def decline(uow: UnitOfWork, actor: Actor, request_id: int, note: str) -> Reply:
    ws, me, req = await _for_mentor(uow, actor, request_id)
    note = validation.user_text(note, "The message", NOTE_MAX)
    mentee = await uow.session.get(Member, req.mentee_id)
    assert mentee is not None
    await _close(uow, req, (RequestState.REQUESTED,), RequestState.DECLINED, me, note.strip())
    await _notify(uow, ws, req, "declined", mentee)
    return Reply(matching_wording.request_declined_ack(mentee))


async def redirect_form(uow: UnitOfWork, actor: Actor, request_id: int) -> Reply:
    await _for_mentor(uow, actor, request_id)
    return Reply(wording.form_message(matching_wording.redirect_form(request_id)))


async def redirect(
    uow: UnitOfWork, actor: Actor, request_id: int, suggested_user_id: str | None, note: str
) -> Reply:
    """A decline with "Suggest someone else": the mentee is pointed to a named person or new suggestions."""
    ws, me, req = await _for_mentor(uow, actor, request_id)
    mentee = await uow.session.get(Member, req.mentee_id)
    assert mentee is not None
    suggested = None
    if suggested_user_id:
        suggested = await find_member(uow, ws, suggested_user_id)
        if suggested is None or await profile_of(uow, suggested) is None:
            raise UserError(
                matching_wording.not_a_mentor(suggested.display_name if suggested else suggested_user_id)
            )
        if suggested.id in (me.id, mentee.id):
            raise UserError(matching_wording.REDIRECT_SELF)
    note = validation.user_text(note, "The message", NOTE_MAX)
    suggested_id = suggested.id if suggested else None
    await _close(
        uow,
        req,
        (RequestState.REQUESTED,),
        RequestState.DECLINED,
        me,
        note.strip(),
        suggested_id=suggested_id,
    )
    await _notify(uow, ws, req, "redirected", mentee)
    return Reply(matching_wording.redirected_ack(mentee, suggested))


async def withdraw(uow: UnitOfWork, actor: Actor, request_id: int) -> Reply:
    ws, me = await actor_member(uow, actor)
    req = await get_request(uow, me, request_id)
    if req.mentee_id != me.id and not me.is_admin:
        raise NotAllowed(matching_wording.not_your_request())
    if req.state not in list(WAITING_STATES):
        raise UserError(matching_wording.request_already(req))
    await _close(uow, req, WAITING_STATES, RequestState.WITHDRAWN, me)
    if req.mentor_id is not None:
        mentor = await uow.session.get(Member, req.mentor_id)
        assert mentor is not None
        await _notify(uow, ws, req, "withdrawn", mentor)
    return Reply(matching_wording.request_withdrawn_ack())


async def claim(uow: UnitOfWork, actor: Actor, request_id: int) -> Reply:
    """Any mentor may claim an open request; two at once give one winner."""
    ws, me = await actor_member(uow, actor)
    req = await get_request(uow, me, request_id)
    if req.state != RequestState.OPEN:
        raise UserError(await _claim_lost(uow, req))
    if req.mentee_id == me.id:
        raise UserError(matching_wording.request_self())
    profile = await profile_of(uow, me)
    if profile is None:
        raise UserError(matching_wording.PROFILE_NEEDED)
    await _check_room(uow, me)
    # The conditional update is the claim: whoever changes the row from `open` wins.
    await _close(uow, req, (RequestState.OPEN,), RequestState.CLAIMED, me, mentor_id=me.id)
    uow.session.add(RequestClaim(request_id=req.id, member_id=me.id, created_at=uow.now))
    mentee = await uow.session.get(Member, req.mentee_id)
    assert mentee is not None
    await _start(uow, ws, req, me, mentee)
    await _notify(uow, ws, req, "claimed", mentee)
    now_full = await is_full(uow, profile)
    return Reply(matching_wording.request_claimed(mentee, now_full))


async def _claim_lost(uow: UnitOfWork, req: MentorRequest) -> str:
    if req.state == RequestState.CLAIMED and req.mentor_id is not None:
        winner = await uow.session.get(Member, req.mentor_id)
        return matching_wording.claim_lost(winner)
    return matching_wording.request_already(req)


async def assign(uow: UnitOfWork, actor: Actor, request_id: int, mentor_user_id: str) -> Reply:
    """Admins pair by hand: the request goes to the mentor they pick, who still accepts or declines."""
    ws, me = await actor_member(uow, actor)
    if not me.is_admin:
        raise NotAllowed(wording.admins_only("/mentor requests assign"))
    req = await get_request(uow, me, request_id)
    if req.state not in [s.value for s in (*WAITING_STATES, RequestState.EXPIRED, RequestState.DECLINED)]:
        raise UserError(matching_wording.request_already(req))
    mentor = await ensure_member(uow, ws, mentor_user_id)
    mentee = await uow.session.get(Member, req.mentee_id)
    assert mentee is not None
    if mentor.id == mentee.id:
        raise UserError(matching_wording.REDIRECT_SELF)
    if mentor.id in await taken_mentors(uow, mentee) and mentor.id != req.mentor_id:
        raise UserError(matching_wording.already_asked(mentor.display_name))
    profile = await profile_of(uow, mentor)
    if profile is not None and await is_full(uow, profile):
        raise UserError(matching_wording.mentor_full(mentor.display_name))
    window = answer_window(ws)
    req.mentor_id, req.state = mentor.id, RequestState.REQUESTED
    req.remind_at, req.expires_at = uow.now + window, uow.now + window + EXPIRY_GRACE
    req.decided_by_id, req.decided_at, req.decision_note = None, None, ""
    await schedules.reconcile_request(uow, ws, req)
    await _notify(uow, ws, req, "assigned", mentee, by_id=me.id)
    return Reply(matching_wording.assigned_ack(req, mentor, mentee))


async def confirm_cadence(uow: UnitOfWork, actor: Actor, request_id: int) -> Reply:
    """The kickoff's "Use this rhythm": the mentee's proposed cadence, read in the mentee's zone."""
    ws, me = await actor_member(uow, actor)
    req = await get_request(uow, me, request_id)
    if me.id not in (req.mentee_id, req.mentor_id) or req.mentorship_id is None:
        raise NotAllowed(matching_wording.not_your_request())
    profile = await profile_of(uow, await _member(uow, req.mentor_id))
    phrase = req.cadence or (profile.cadence if profile else "")
    if not phrase:
        raise UserError(matching_wording.CADENCE_NOT_PROPOSED)
    mentee, mentor = await _member(uow, req.mentee_id), await _member(uow, req.mentor_id)
    # Whoever presses, the phrase was written in the mentee's time (or the mentor's, for their default).
    author = mentee if req.cadence else mentor
    as_author = Actor(platform=ws.platform, workspace_id=ws.external_id, user_id=author.external_id)
    # Exactly the request's mentorship: the two may have another one with each other.
    return await mentorships.set_cadence(uow, as_author, phrase, MentorshipId(req.mentorship_id))


async def _member(uow: UnitOfWork, member_id: int | None) -> Member:
    member = await uow.session.get(Member, member_id) if member_id is not None else None
    if member is None:
        raise NotFound(wording.BUTTON_STALE)
    return member


# ---- community managers ----------------------------------------------------------------------------


async def list_requests(uow: UnitOfWork, actor: Actor, everyone: bool) -> Reply:
    ws, me = await actor_member(uow, actor)
    if everyone and not me.is_admin:
        raise NotAllowed(wording.admins_only("/mentor requests all"))
    reqs = await requests_involving(uow, ws, me, everyone or me.is_admin)
    ids = {i for r in reqs for i in (r.mentee_id, r.mentor_id) if i is not None}
    people = (
        {m.id: m for m in await uow.session.scalars(select(Member).where(Member.id.in_(ids)))} if ids else {}
    )
    return Reply(matching_wording.request_list(me, reqs, people, everyone or me.is_admin))


async def set_channel(uow: UnitOfWork, actor: Actor, channel: tuple[str, str] | None) -> Reply:
    ws, me = await actor_member(uow, actor)
    if not me.is_admin:
        raise NotAllowed(wording.admins_only("/mentor requests channel"))
    if channel is None:
        update_settings(ws, channel=None, channel_name=None)
    else:
        update_settings(ws, channel=channel[0], channel_name=channel[1])
    return Reply(matching_wording.channel_set(channel))


async def set_answer_days(uow: UnitOfWork, actor: Actor, days: int) -> Reply:
    ws, me = await actor_member(uow, actor)
    if not me.is_admin:
        raise NotAllowed(wording.admins_only("/mentor requests wait"))
    if not 1 <= days <= MAX_ANSWER_DAYS:
        raise ParseError(matching_wording.wait_bad(str(days), MAX_ANSWER_DAYS))
    update_settings(ws, answer_days=days)
    return Reply(matching_wording.wait_set(days, EXPIRY_GRACE.days))
