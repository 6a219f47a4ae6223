"""What the bot says about finding a mentor: profiles, suggestions, requests, decisions and expiries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.domain.matching import RequestState
from bot.domain.timefmt import format_date
from bot.messages import (
    Button,
    ButtonStyle,
    Form,
    FormField,
    Line,
    Message,
    MessageBuilder,
    Strong,
    line,
    simple,
)
from bot.wording.common import relative, when, who

if TYPE_CHECKING:
    from bot.domain.matching import Candidate, Ranking, Suggestion
    from bot.matching.tables import MentorProfile, MentorRequest
    from bot.persistence.tables import Member


# ---- errors and usage (friendly replies to bad input) -----------------------------------------------

PROFILE_TAGS_MISSING = "Add at least one area you can help with, as comma-separated tags, e.g. `rust, system design, career growth`."
PROFILE_NEEDED = (
    "You don't have a mentor profile yet. `/mentor profile` opens it: your areas, focus, how many mentees "
    "you have room for."
)
NO_REQUESTS_CHANNEL = (
    "This community has no requests channel, so a request needs a mentor: `/mentor find <topic>` suggests "
    "some, then `/mentor request @name`."
)
GOAL_MISSING = (
    "What do you want to achieve? The goal is the one thing a request needs, e.g. "
    "“Lead the design of our payments API migration by March”."
)
REDIRECT_SELF = "Point them to a third person — someone other than you and the mentee."
REQUEST_ONE_MENTOR = (
    "Ask one mentor at a time, e.g. `/mentor request @sam`. `/mentor find <topic>` suggests some."
)
ASSIGN_USAGE = "Name the request and the mentor, e.g. `/mentor requests assign 4 @sam`."
CADENCE_NOT_PROPOSED = "No rhythm was proposed for this mentorship. Set one with `/mentor cadence every 2 weeks on Tuesday at 10:00`."
INTAKE_LABELS = {
    "goal": "What I want to achieve",
    "by": "By when",
    "constraints": "Constraints",
    "tried": "What I have tried",
    "cadence": "The rhythm I propose",
}


def no_profile_of(name: str) -> str:
    return f"{name or 'They'} has no mentor profile. `/mentor find <topic>` lists the mentors who do."


def profile_too_many_tags(limit: int, got: int) -> str:
    return f"Up to {limit} tags keep a profile findable; yours has {got}. Keep the ones you'd most like to be asked about."


def profile_focus_bad(given: str, focuses: Sequence[str]) -> str:
    return f"“{given}” isn't a focus I know. Pick from {', '.join(focuses)} (several are fine: `technical, career`)."


def profile_capacity_bad(given: str, limit: int) -> str:
    return (
        f"Capacity is how many mentees you can take at once, a number from 1 to {limit} (you wrote “{given}”). "
        "To pause new requests, `/mentor available off`."
    )


def profile_usage(text: str) -> str:
    return f"`/mentor profile {text}` isn't something I know. `/mentor profile` edits yours, `/mentor profile @sam` shows Sam's."


def available_usage(text: str) -> str:
    shown = f" (not “{text}”)" if text else ""
    return f"Say `/mentor available on` or `/mentor available off`{shown}."


def request_self() -> str:
    return "You can't ask yourself to be your mentor. `/mentor find <topic>` suggests others."


def not_a_mentor(name: str) -> str:
    return f"{name} hasn't set up a mentor profile, so I can't send them requests. `/mentor find <topic>` shows who has."


def mentor_unavailable(name: str) -> str:
    return f"{name} isn't taking requests right now. `/mentor find <topic>` suggests mentors who are."


def mentor_full(name: str) -> str:
    return f"{name} is full right now — every mentee slot is taken. `/mentor find <topic>` suggests mentors with room."


def already_asked(name: str) -> str:
    return f"You're already paired with {name} or waiting for their answer. `/mentor requests` shows where it stands."


def too_many_waiting(limit: int) -> str:
    return (
        f"You already have {limit} requests waiting for an answer. Give mentors a few days, or withdraw one with "
        "`/mentor requests withdraw N`."
    )


def goal_too_vague(goal: str) -> str:
    return (
        f"“{goal}” is a start! Mentors say yes more often to a specific goal — what would be different when it's "
        "done? e.g. “Get comfortable reviewing Rust PRs on our team by March” or “Prepare my case for a senior "
        "promotion this cycle”."
    )


def request_not_found(number: int) -> str:
    return f"I couldn't find request #{number}. `/mentor requests` lists the ones you can see."


def open_request_claim_instead(number: int) -> str:
    return f"Request #{number} is open to every mentor: claim it with `/mentor claim {number}`."


def not_your_request() -> str:
    return (
        "Only the mentee, the mentor it was sent to (and admins, where it says so) can act on this request."
    )


def request_already(req: MentorRequest) -> str:
    return f"Request #{req.id} is already {req.state}, so there's nothing to do. `/mentor requests` shows where things stand."


def you_are_full(capacity: int) -> str:
    return (
        f"You're full — your capacity is {capacity} and every slot is taken. Decline kindly, or make room with "
        "`/mentor profile` (capacity)."
    )


def claim_lost(winner: Member | None) -> str:
    name = winner.display_name if winner is not None else "Another mentor"
    return f"{name} claimed this request a moment before you — thank you for offering! `/mentor requests` shows other open ones."


def request_number(verb: str, given: str) -> str:
    shown = f" “{given}”" if given else ""
    return f"I need the request's number{shown}, e.g. `/mentor requests {verb} 4`. `/mentor requests` lists them."


def requests_usage(sub: str) -> str:
    return (
        f"`/mentor requests {sub}` isn't something I know. Try `/mentor requests`, `accept N`, `decline N [note]`, "
        "`withdraw N`, `claim N`; admins: `all`, `assign N @mentor`, `channel #name|off`, `wait 5d`."
    )


def channel_bad(text: str) -> str:
    return f"I need a channel, e.g. `/mentor requests channel #mentor-requests` (or `off`), not “{text}”."


def wait_bad(text: str, limit: int) -> str:
    return f"The answer time is whole days from 1 to {limit}, e.g. `/mentor requests wait 5d` (not “{text}”)."


# ---- profiles ------------------------------------------------------------------------------------


def profile_form(profile: MentorProfile | None, me: Member) -> Form:
    # Five fields: Discord's modals take no more. Time zone and hours come from `/timezone`.
    return Form(
        "match:profile:0",
        "Your mentor profile",
        (
            FormField(
                "tags",
                "Areas you can help with (comma-separated)",
                placeholder="rust, system design, career growth",
                initial=", ".join(profile.tags) if profile else "",
                max_length=400,
            ),
            FormField(
                "focus",
                "Focus: technical, career, personal",
                required=False,
                initial=", ".join(profile.focuses) if profile else "",
                max_length=60,
            ),
            FormField(
                "capacity",
                "How many mentees at once",
                placeholder="2",
                initial=str(profile.capacity) if profile else "",
                max_length=2,
            ),
            FormField(
                "cadence",
                "Preferred rhythm",
                required=False,
                placeholder="every 2 weeks on thursday at 16:00",
                initial=profile.cadence if profile else "",
                max_length=300,
            ),
            FormField(
                "note",
                "A short note for mentees",
                multiline=True,
                required=False,
                initial=profile.note if profile else "",
                max_length=500,
            ),
        ),
        submit_label="Save",
    )


def _hours(member: Member) -> str:
    if member.work_start_minute is None or member.work_end_minute is None:
        return "09:00–17:00 (default)"
    a, b = member.work_start_minute, member.work_end_minute
    return f"{a // 60:02d}:{a % 60:02d}–{b // 60:02d}:{b % 60:02d}"


def _profile_fields(member: Member, profile: MentorProfile, taken: int) -> list[tuple[str, Line]]:
    free = max(0, profile.capacity - taken)
    room = "full" if free == 0 else f"{free} of {profile.capacity} free"
    pairs: list[tuple[str, Line]] = [("Areas", line(", ".join(profile.tags)))]
    if profile.focuses:
        pairs.append(("Focus", line(", ".join(profile.focuses))))
    pairs.append(("Capacity", line(room)))
    if profile.cadence:
        pairs.append(("Preferred rhythm", line(profile.cadence)))
    pairs.append(("Time zone", line(f"{member.tz or 'UTC'}, working hours {_hours(member)}")))
    if not profile.available:
        pairs.append(("Status", line("not taking requests")))
    return pairs


def profile_card(member: Member, profile: MentorProfile, taken: int, mine: bool) -> Message:
    b = MessageBuilder().heading(f"Mentor profile: {member.display_name}")
    b.fields(_profile_fields(member, profile, taken))
    if profile.note:
        b.para(f"“{profile.note}”")
    if mine:
        b.para("Change it with `/mentor profile`; pause requests with `/mentor available off`.")
        b.buttons(Button("Edit profile", "match:profile:0"))
    return b.build(summary="Mentor profile")


def profile_saved(me: Member, profile: MentorProfile, taken: int, created: bool) -> Message:
    b = MessageBuilder().para(
        "Your mentor profile is live — mentees can find you with `/mentor find`."
        if created
        else "Profile updated."
    )
    b.fields(_profile_fields(me, profile, taken))
    b.para("Time zone and working hours come from `/timezone Europe/Berlin` and `/timezone hours 9-17`.")
    return b.build(summary="Mentor profile saved")


def availability_set(on: bool, full: bool) -> Message:
    if not on:
        return simple(
            "You're off the list for now: no new requests, and your current mentees are unaffected. `/mentor available on` to come back."
        )
    if full:
        return simple(
            "You're available again — but every slot is taken, so you show as full until one frees up (or raise your capacity in `/mentor profile`)."
        )
    return simple("You're available: mentees can find and ask you again.")


# ---- finding -------------------------------------------------------------------------------------


def _why(s: Suggestion) -> str:
    reasons = []
    if s.topic_tags:
        reasons.append("knows " + ", ".join(s.topic_tags))
    if s.goal_tags:
        reasons.append("fits your goals: " + ", ".join(s.goal_tags))
    hours = s.overlap // 60
    reasons.append(f"{hours} h of shared working hours" if hours else "little overlap in working hours")
    free = s.candidate.free
    reasons.append(f"{free} free slot{'s' if free != 1 else ''}")
    return " · ".join(reasons)


def _suggestion_line(s: Suggestion) -> tuple[Any, ...]:
    tags = f" ({', '.join(s.candidate.tags[:5])})" if not s.topic_tags else ""
    return (_who_name(s.candidate), f" — {_why(s)}{tags}")


def _suggestion_lines(ranking: Ranking) -> list[Line]:
    return [line(*_suggestion_line(s)) for s in ranking.suggestions]


def _who_name(c: Candidate) -> Strong:
    return Strong(f"@{c.name}")


def _request_buttons(ranking: Ranking) -> list[Button]:
    return [
        Button(f"Request {s.candidate.name}", f"match:request:{s.candidate.member_id}", ButtonStyle.PRIMARY)
        for s in ranking.suggestions
    ]


def _full_line(full: Sequence[Candidate]) -> str:
    return (
        "Full right now (not taking requests until a slot frees up): "
        + ", ".join(f"@{c.name}" for c in full)
        + "."
    )


def suggestions(topic: str, ranking: Ranking, has_channel: bool) -> Message:
    b = MessageBuilder().heading(f"Mentors for “{topic}”" if topic else "Mentors with room")
    if ranking.no_topic_match and ranking.suggestions:
        b.para(f"Nobody lists “{topic}” yet; these mentors have room and may still help:")
    if not ranking.suggestions:
        b.para(
            "I don't have a mentor with room to suggest right now."
            + (" Try a broader topic, e.g. `/mentor find career`." if topic else "")
        )
        if ranking.full:
            b.para(_full_line(ranking.full))
        if has_channel:
            b.para("You can also post a request for any mentor to claim: `/mentor request`.")
        return b.build(summary="No mentors to suggest")
    b.bullets(_suggestion_lines(ranking))
    if ranking.full:
        b.para(_full_line(ranking.full))
    b.para(
        "Pick someone you'd click with and ask with a specific goal: press Request, or `/mentor request @name`."
    )
    b.buttons(*_request_buttons(ranking))
    return b.build(summary="Mentor suggestions")


# ---- requesting ----------------------------------------------------------------------------------


def request_form(mentor: Member | None) -> Form:
    # Like a design review: what, by when, within which limits, what was tried, how often to meet.
    target = f"new:{mentor.id}" if mentor is not None else "new:0"
    title = f"Ask {mentor.display_name} to mentor you" if mentor is not None else "Ask for a mentor"
    return Form(
        f"match:{target}",
        title[:45],
        (
            FormField(
                "goal",
                INTAKE_LABELS["goal"],
                multiline=True,
                placeholder="Lead the design of our payments API migration",
                max_length=1000,
            ),
            FormField(
                "by",
                INTAKE_LABELS["by"],
                required=False,
                placeholder="March, 2027-06-30, in 3 months",
                max_length=40,
            ),
            FormField(
                "constraints",
                INTAKE_LABELS["constraints"],
                multiline=True,
                required=False,
                placeholder="Time I have, what's fixed, what I can't change",
            ),
            FormField(
                "tried",
                INTAKE_LABELS["tried"],
                multiline=True,
                required=False,
                placeholder="What worked, what didn't",
            ),
            FormField(
                "cadence",
                INTAKE_LABELS["cadence"],
                required=False,
                placeholder="every 2 weeks on tue 10am",
                max_length=300,
            ),
        ),
        submit_label="Send request",
    )


def _intake_fields(req: MentorRequest) -> list[tuple[str, Line]]:
    pairs: list[tuple[str, Line]] = [("Goal", line(req.goal))]
    if req.target_date is not None:
        pairs.append(("By", line(format_date(req.target_date))))
    if req.constraints:
        pairs.append(("Constraints", line(req.constraints)))
    if req.tried:
        pairs.append(("Tried so far", line(req.tried)))
    if req.cadence:
        pairs.append(("Proposed rhythm", line(req.cadence)))
    return pairs


def request_sent(req: MentorRequest, mentor: Member | None, window: timedelta) -> Message:
    days = window.days
    if mentor is not None:
        b = MessageBuilder().para(f"Request #{req.id} sent to ", who(mentor), ".")
        b.fields(_intake_fields(req))
        b.para(
            f"Mentors usually answer within {days} day{'s' if days != 1 else ''}. You'll hear from me by ",
            when(req.expires_at),
            " at the latest — their answer, or other mentors to try.",
        )
    else:
        b = MessageBuilder().para(f"Request #{req.id} is posted for any mentor to claim.")
        b.fields(_intake_fields(req))
        b.para(
            "You'll hear from me as soon as someone claims it, and by ",
            when(req.expires_at),
            " at the latest either way.",
        )
    b.para("Changed your mind? `/mentor requests withdraw " + str(req.id) + "`.")
    return b.build(summary="Request sent")


def request_card(req: MentorRequest, mentee: Member, reminder: bool) -> Message:
    b = MessageBuilder().heading(
        "Still waiting: a mentorship request" if reminder else "A mentorship request"
    )
    b.para(who(mentee), " would like you to mentor them.")
    b.fields(_intake_fields(req))
    if reminder:
        b.para(
            "A quick yes or no helps either way — a kind no lets them ask someone else. The request expires ",
            relative(req.expires_at),
            ".",
        )
    else:
        b.para(
            "Answer when you can: accept, decline kindly, or point them to someone who'd fit better. It expires ",
            when(req.expires_at),
            ".",
        )
    b.buttons(
        Button("Accept", f"match:accept:{req.id}", ButtonStyle.PRIMARY),
        Button("Decline", f"match:decline:{req.id}", ButtonStyle.DANGER),
        Button("Suggest someone else", f"match:redirect:{req.id}"),
    )
    return b.build(summary="Mentorship request" + (" (reminder)" if reminder else ""))


def open_request_post(req: MentorRequest, mentee: Member, reminder: bool) -> Message:
    b = MessageBuilder().heading(
        f"Still open: request #{req.id}" if reminder else f"Open request #{req.id}: looking for a mentor"
    )
    b.para(who(mentee), " is looking for a mentor.")
    b.fields(_intake_fields(req))
    b.para(
        "Any mentor with room can claim it — the first claim wins. It expires ",
        relative(req.expires_at) if reminder else when(req.expires_at),
        ".",
    )
    b.buttons(Button("Claim", f"match:claim:{req.id}", ButtonStyle.PRIMARY))
    return b.build(summary=f"Open request #{req.id}")


def decline_form(request_id: int) -> Form:
    return Form(
        f"match:decline:{request_id}",
        "Decline the request",
        (
            FormField(
                "text",
                "A kind message (optional)",
                multiline=True,
                required=False,
                placeholder="I'm at capacity this quarter — good luck with it!",
                max_length=500,
            ),
        ),
        submit_label="Decline",
    )


def redirect_form(request_id: int) -> Form:
    return Form(
        f"match:redirect:{request_id}",
        "Suggest someone else",
        (
            FormField("who", "Who would fit better? (mention, optional)", required=False, max_length=100),
            FormField(
                "text", "A message for them (optional)", multiline=True, required=False, max_length=500
            ),
        ),
        submit_label="Send",
    )


def request_accepted(mentee: Member, now_full: bool) -> Message:
    b = MessageBuilder().para(
        "Accepted! You're now mentoring ",
        who(mentee),
        ". I'm opening your shared space with their goals and a first session to confirm.",
    )
    if now_full:
        b.para(
            "That was your last free slot, so you now show as full and won't be suggested. Raise your capacity in `/mentor profile` any time."
        )
    return b.build(summary="Request accepted")


def request_claimed(mentee: Member, now_full: bool) -> Message:
    b = MessageBuilder().para(
        "It's yours! You're now mentoring ",
        who(mentee),
        ". I'm opening your shared space with their goals and a first session to confirm.",
    )
    if now_full:
        b.para("That was your last free slot, so you now show as full and won't be suggested.")
    return b.build(summary="Request claimed")


def request_declined_ack(mentee: Member) -> Message:
    return simple(
        "Declined. I've let ", who(mentee), " know kindly and shown them other mentors.", summary="Declined"
    )


def redirected_ack(mentee: Member, suggested: Member | None) -> Message:
    if suggested is not None:
        return simple(
            "Thanks — I've pointed ",
            who(mentee),
            " to ",
            who(suggested),
            " and a few other mentors.",
            summary="Redirected",
        )
    return simple("Thanks — I've shown ", who(mentee), " other mentors who might fit.", summary="Redirected")


def request_withdrawn_ack() -> Message:
    return simple("Withdrawn. `/mentor find <topic>` whenever you'd like to ask someone else.")


def assigned_ack(req: MentorRequest, mentor: Member, mentee: Member) -> Message:
    return simple(
        f"Request #{req.id} from ",
        who(mentee),
        " now goes to ",
        who(mentor),
        ", who can accept or decline. Both are told.",
        summary="Assigned",
    )


# ---- decisions, told later through the outbox -----------------------------------------------------


def _more(
    b: MessageBuilder, ranking: Ranking | None, has_channel: bool = False, first: Member | None = None
) -> None:
    if ranking is None:
        return
    # At most five buttons: one row on Discord.
    others = [x for x in ranking.suggestions if first is None or x.candidate.member_id != first.id][
        : 5 - bool(first)
    ]
    buttons = (
        [Button(f"Request {first.display_name}", f"match:request:{first.id}", ButtonStyle.PRIMARY)]
        if first
        else []
    )
    if first is not None:
        b.para("They suggest ", who(first), " — worth asking.")
    if others:
        b.para("Other mentors with room who might fit:")
        b.bullets([line(*_suggestion_line(x)) for x in others])
        buttons += [
            Button(f"Request {x.candidate.name}", f"match:request:{x.candidate.member_id}") for x in others
        ]
    b.buttons(*buttons)
    if not others and first is None:
        b.para(
            "I don't have another mentor with room to suggest right now; `/mentor find <topic>` in a few days may show new ones."
        )
    if has_channel:
        b.para("Or post it for any mentor to claim: `/mentor request`.")


def request_expired(
    req: MentorRequest, mentor: Member | None, ranking: Ranking, has_channel: bool
) -> Message:
    b = MessageBuilder().heading("No answer yet — let's find you someone else")
    if mentor is not None:
        b.para(
            who(mentor),
            f" didn't get to your request #{req.id} in time, so I've closed it. That's usually about timing, not about you.",
        )
    else:
        b.para(
            f"No mentor claimed your request #{req.id} in time, so I've closed it. That's about timing, not about you."
        )
    b.fields([("Your goal", line(req.goal))])
    _more(b, ranking, has_channel and mentor is not None)
    return b.build(summary="Request expired")


def request_notice(
    event: str,
    req: MentorRequest,
    mentee: Member,
    mentor: Member | None,
    ranking: Ranking | None,
    suggested: Member | None,
    by: Member | None,
) -> Message:
    mentor_part: list[Any] = [who(mentor)] if mentor is not None else ["The mentor"]
    if event == "accepted":
        return simple(
            *mentor_part,
            f" accepted your request #{req.id}! Your shared space is opening now, with your goal and a first session to confirm.",
            summary="Request accepted",
        )
    if event == "claimed":
        return simple(
            *mentor_part,
            f" claimed your request #{req.id} and will mentor you! Your shared space is opening now.",
            summary="Request claimed",
        )
    if event == "declined":
        note = req.decision_note
        b = MessageBuilder().para(
            *mentor_part, f" can't take on request #{req.id} right now" + (":" if note else ".")
        )
        if note:
            b.para(f"“{note}”")
        b.para("A no is about their time, not about your goal — it's a good one.")
        _more(b, ranking)
        return b.build(summary="Request declined")
    if event == "redirected":
        note = req.decision_note
        b = MessageBuilder().para(
            *mentor_part,
            f" thinks someone else would fit your request #{req.id} better" + (":" if note else "."),
        )
        if note:
            b.para(f"“{note}”")
        _more(b, ranking, first=suggested)
        return b.build(summary="Someone else may fit better")
    if event == "undeliverable":
        b = MessageBuilder().para(
            "I couldn't reach ",
            *mentor_part,
            f" with your request #{req.id} (their messages are closed), so I've closed it.",
        )
        _more(b, ranking)
        return b.build(summary="Request could not be delivered")
    if event == "withdrawn":
        return simple(
            who(mentee), f" withdrew request #{req.id}. Nothing for you to do.", summary="Request withdrawn"
        )
    if event == "assigned":
        by_part: list[Any] = [who(by)] if by is not None else ["An admin"]
        return simple(
            *by_part,
            f" passed your request #{req.id} to ",
            *mentor_part,
            ". You'll hear from me by ",
            when(req.expires_at),
            " at the latest.",
            summary="Request assigned",
        )
    raise ValueError(f"unknown request notice {event!r}")


def kickoff(
    req: MentorRequest, mentor: Member, mentee: Member, phrase: str, author: Member, first: datetime | None
) -> Message:
    b = MessageBuilder().heading("Where this mentorship starts")
    b.para(who(mentee), " asked, ", who(mentor), " said yes. The intake, like the brief for a design review:")
    b.fields(_intake_fields(req))
    if phrase and first is not None:
        b.para("Proposed by ", who(author), f": {phrase}. The first session would be ", when(first), ".")
        b.para("Confirm it, or agree on another with `/mentor cadence <rhythm>`.")
        b.buttons(Button("Use this rhythm", f"match:cadence:{req.id}", ButtonStyle.PRIMARY))
    else:
        b.para(
            "Agree on a rhythm for your first session, e.g. `/mentor cadence every 2 weeks on Tuesday at 10:00`."
        )
    return b.build(summary="Mentorship intake")


# ---- lists and settings --------------------------------------------------------------------------

_GROUPS = (
    ("Waiting for an answer", ("requested", "open")),
    ("Claimed or accepted", ("claimed", "accepted")),
    ("Expired", ("expired",)),
    ("Declined or withdrawn", ("declined", "withdrawn")),
)


def request_list(
    me: Member, reqs: Sequence[MentorRequest], people: Mapping[int, Member], everyone: bool
) -> Message:
    b = MessageBuilder().heading("Mentorship requests" + (" (everyone)" if everyone else ""))
    if not reqs:
        b.para("No requests yet. `/mentor find <topic>` suggests mentors to ask.")
        return b.build(summary="No requests")
    claimable: list[Button] = []
    for title, states in _GROUPS:
        items: list[Line] = []
        for r in reqs:
            if r.state not in states:
                continue
            mentee, mentor = people.get(r.mentee_id), people.get(r.mentor_id or 0)
            parts: list[Any] = [Strong(f"#{r.id}"), " "]
            parts += [who(mentee)] if mentee is not None else ["someone"]
            parts += [" → ", who(mentor)] if mentor is not None else [" → any mentor"]
            parts.append(f": {r.goal[:80]}{'…' if len(r.goal) > 80 else ''} ({r.state}")
            if r.state in (RequestState.REQUESTED, RequestState.OPEN):
                parts += [", expires ", relative(r.expires_at)]
            parts.append(")")
            items.append(line(*parts))
            if r.state == RequestState.OPEN and r.mentee_id != me.id and len(claimable) < 5:
                claimable.append(Button(f"Claim #{r.id}", f"match:claim:{r.id}", ButtonStyle.PRIMARY))
        if items:
            b.heading(title)
            b.bullets(items)
    b.buttons(*claimable)
    return b.build(summary="Mentorship requests")


def channel_set(channel: tuple[str, str] | None) -> Message:
    if channel is None:
        return simple("The requests channel is off: requests go to the mentor a mentee picks.")
    return simple(f"Open requests are now posted in #{channel[1]} for any mentor to claim.")


def wait_set(days: int, grace_days: int) -> Message:
    return simple(
        f"Mentors now have {days} day{'s' if days != 1 else ''} to answer a request; then they get one reminder, and "
        f"{grace_days} days later an unanswered request expires and the mentee is shown other mentors."
    )
