"""What the bot says about office hours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from bot.domain.states import QuestionState, SeriesState
from bot.domain.timefmt import format_date
from bot.messages import Button, ButtonStyle, Line, Message, MessageBuilder, Strong, line, simple
from bot.wording.common import counted, joined, relative, when, who

if TYPE_CHECKING:
    from bot.domain.recurrence import Recurrence
    from bot.officehours.queue import QueuedQuestion
    from bot.officehours.tables import OfficeHours, OfficeHoursQuestion, OfficeHoursSession
    from bot.persistence.tables import Member

OH_EXAMPLE = "`/officehours create #help monthly on the first Thursday at 17:00 topic Career Q&A hosts @ann`"


def _name(oh: OfficeHours) -> str:
    return f"#{oh.id} {oh.topic or 'Office hours'}"


def _hosts(hosts: Sequence[Member], invited: Sequence[Member] = ()) -> list[Any]:
    """The accepted hosts; co-hosts still invited are named apart (they host once they accept)."""
    named = joined([who(h) for h in hosts], " & ") if hosts else ["no one yet" if invited else "the hosts"]
    if invited:
        named += [" (invited: ", *joined([who(h) for h in invited], " & "), ")"]
    return named


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _question_line(item: QueuedQuestion, with_votes: bool = True) -> Line:
    votes = f" · {item.votes} vote{'s' if item.votes != 1 else ''}" if with_votes else ""
    return line(Strong(f"Q{item.question.id}"), f" {item.question.text} — ", who(item.author), votes)


# ---- errors ----------------------------------------------------------------------------------------


def oh_hosts_only(what: str) -> str:
    return f"Only the hosts of these office hours (and workspace admins) can {what}."


def oh_create_not_allowed() -> str:
    return (
        "Office hours are created by workspace admins and by the people they allow "
        "(`/officehours hosts allow @you`). Ask an admin to allow you, or to create them. "
        f"For example: {OH_EXAMPLE}"
    )


def oh_hosts_admins_only() -> str:
    return (
        "Only workspace admins choose who may create office hours, e.g. `/officehours hosts allow @ann`. "
        "`/officehours hosts` lists them."
    )


def oh_hosts_usage(got: str) -> str:
    return (
        f"I didn't understand “{got}”. Use `/officehours hosts` to see who may create office hours, "
        "`/officehours hosts allow @ann @bo` or `/officehours hosts remove @ann`."
    )


def oh_host_allowlist(people: Sequence[Member]) -> Message:
    if not people:
        return simple(
            "Only workspace admins create office hours here. Admins can allow others with "
            "`/officehours hosts allow @ann`."
        )
    return simple(
        "Besides workspace admins, these people may create office hours: ",
        *joined([who(p) for p in people]),
        ".",
    )


def oh_host_allowlist_changed(people: Sequence[Member], allowed: bool) -> Message:
    verb = "may now create office hours" if allowed else "may no longer create office hours"
    return simple(
        *joined([who(p) for p in people], " & "), f" {verb}. Series they already host are unchanged."
    )


def oh_host_allowlist_unchanged(people: Sequence[Member], allowed: bool) -> Message:
    if allowed:
        state = "may already create office hours"
    else:
        state = f"{'was' if len(people) == 1 else 'were'}n't on the list of who may create them"
    return simple(
        *joined([who(p) for p in people], " & "),
        f" {state}: nothing changed. `/officehours hosts` lists them.",
    )


def oh_cohosts_invited(people: Sequence[Member]) -> Message:
    return simple(
        "I've asked ",
        *joined([who(p) for p in people], " & "),
        " by DM to confirm as co-host; they host once they accept.",
    )


def oh_host_invite(oh: OfficeHours, by: Member, rec_text: str) -> Message:
    b = MessageBuilder().para(
        who(by), " would like you to co-host ", Strong(_name(oh)), f" in #{oh.channel_name} ({rec_text})."
    )
    b.para("Hosts are named on every announcement, get the question queue and write the recap.")
    b.buttons(
        Button("Accept", f"oh:hostyes:{oh.id}", ButtonStyle.PRIMARY),
        Button("Decline", f"oh:hostno:{oh.id}"),
    )
    return b.build(summary=f"Co-host {_name(oh)}?")


def oh_host_answered(oh: OfficeHours, accepted: bool) -> str:
    if accepted:
        return f"You're now a host of {_name(oh)}. `/officehours questions {oh.id}` shows the queue."
    return f"No problem — you won't be a host of {_name(oh)}."


def oh_host_not_invited(oh: OfficeHours) -> str:
    return (
        f"There's no open co-host invitation for you on {_name(oh)} (it may have been answered or withdrawn)."
    )


def oh_not_found(ident: int) -> str:
    return f"There are no office hours #{ident} here. `/officehours list` shows them."


def oh_none() -> str:
    return f"No office hours are running here yet. Start some: {OH_EXAMPLE}"


def oh_which(series: Sequence[OfficeHours], example: str) -> str:
    names = ", ".join(f"{_name(oh)} in #{oh.channel_name or oh.channel_id}" for oh in series)
    return f"There are several office hours ({names}). Say which by number, e.g. `{example} {series[0].id}`."


def oh_no_upcoming_text(oh: OfficeHours) -> str:
    return f"{_name(oh)} has no upcoming session" + (
        " — it was cancelled." if oh.state == SeriesState.CANCELLED else "."
    )


def oh_session_gone() -> str:
    return "That session no longer exists. `/officehours next` shows the next one."


def oh_session_over(s: OfficeHoursSession) -> str:
    return f"That session is {s.state}. `/officehours next` shows the next one."


def oh_ask_empty() -> str:
    return "Add the question itself, e.g. `/officehours ask How do I get my first code review faster?`"


def oh_question_not_found(qid: int) -> str:
    return f"There's no question Q{qid} here. `/officehours questions` shows the queue."


def oh_own_question() -> str:
    return "That's your own question — upvotes are for others' questions you'd like answered too."


def oh_not_your_question(qid: int) -> str:
    return f"Only the person who asked Q{qid} (or a host) can withdraw it."


def oh_already_exists(oh: OfficeHours) -> str:
    return (
        f"{_name(oh)} already runs in #{oh.channel_name or oh.channel_id} {oh.cadence_phrase}, so I didn't "
        f"create a second one. Change it with `/officehours edit {oh.id} topic …` (or `cadence`, `hosts`, "
        "`join`), or pick another channel or time for a new series."
    )


def oh_hosts_missing() -> str:
    return "Mention the new hosts, e.g. `/officehours edit 1 hosts @ann @bo`."


def oh_edit_fields(field: str) -> str:
    return (
        f"I can't edit “{field}”. Editable: topic, cadence, hosts, join, announce, remind — e.g. "
        "`/officehours edit 1 join https://meet.example/abc` or `/officehours edit 1 announce 2d`."
    )


def oh_no_session_yet(oh: OfficeHours) -> str:
    return f"{_name(oh)} hasn't had a session yet, so there's nothing to recap."


# ---- replies ---------------------------------------------------------------------------------------


def oh_created(
    oh: OfficeHours,
    hosts: Sequence[Member],
    rec: Recurrence,
    upcoming: Sequence[datetime],
    s: OfficeHoursSession | None,
    invited: Sequence[Member] = (),
) -> Message:
    b = MessageBuilder().para(
        f"Office hours {_name(oh)} in #{oh.channel_name}: {rec.describe()}, hosted by ",
        *_hosts(hosts, invited),
        ".",
    )
    b.para("The next three, in your time:")
    b.bullets([line(when(at)) for at in upcoming])
    b.para(
        "I'll announce each session 3 days ahead with RSVP and question buttons, remind everyone who RSVP'd "
        "an hour before, post the question queue when it starts, and ask the hosts for a recap afterwards. "
        f"Add a meeting link with `/officehours edit {oh.id} join <link>`."
    )
    return b.build(summary="Office hours created")


def oh_list(
    rows: Sequence[tuple[OfficeHours, Sequence[Member], OfficeHoursSession | None, int]],
    invited: Mapping[int, Sequence[Member]] | None = None,
) -> Message:
    """One line per series; `invited` holds, by series id, co-hosts who have not accepted yet."""
    if not rows:
        return simple(oh_none())
    b = MessageBuilder().heading("Office hours")
    items = []
    for oh, hosts, s, rsvps in rows:
        parts: list[Any] = [
            Strong(_name(oh)),
            f" in #{oh.channel_name or oh.channel_id} · {oh.cadence_phrase} · ",
            *_hosts(hosts, (invited or {}).get(oh.id, ())),
        ]
        if s is not None:
            parts += [" · next ", when(s.scheduled_at), f" ({rsvps} going)"]
        items.append(line(*parts))
    b.bullets(items)
    return b.build(summary="Office hours")


def oh_no_upcoming(oh: OfficeHours) -> Message:
    return simple(oh_no_upcoming_text(oh))


def _rsvp_buttons(s: OfficeHoursSession, count: int) -> tuple[Button, ...]:
    return (
        Button(f"RSVP ({count} going)", f"oh:rsvp:{s.id}", ButtonStyle.PRIMARY),
        Button("Ask a question", f"oh:ask:{s.id}"),
    )


def oh_session_card(
    oh: OfficeHours,
    s: OfficeHoursSession,
    hosts: Sequence[Member],
    rsvps: int,
    queue: Sequence[QueuedQuestion],
) -> Message:
    b = MessageBuilder().heading(_name(oh))
    b.para(
        when(s.scheduled_at),
        " (",
        relative(s.scheduled_at),
        f"), {s.duration_minutes} min, with ",
        *_hosts(hosts),
        ".",
    )
    if oh.join_details:
        b.para("Join: " + oh.join_details)
    b.para(f"{rsvps} going · {len(queue)} question{'s' if len(queue) != 1 else ''} queued")
    b.bullets([_question_line(q) for q in queue[:10]])
    b.buttons(*_rsvp_buttons(s, rsvps))
    return b.build(summary=_name(oh))


def oh_rsvp_already(oh: OfficeHours, s: OfficeHoursSession, going: bool) -> Message:
    if going:
        return simple(
            "You're already going to ",
            Strong(_name(oh)),
            " on ",
            when(s.scheduled_at),
            ". `/officehours rsvp no` takes it back.",
        )
    return simple(
        "You're not on the list for ",
        Strong(_name(oh)),
        " on ",
        when(s.scheduled_at),
        " — nothing to take back. `/officehours rsvp` puts you on it.",
    )


def oh_rsvp_usage(said: str) -> str:
    return (
        f"I didn't understand “{said[:60]}”. `/officehours rsvp` (or `rsvp yes`) says you're going; "
        "`/officehours rsvp no` takes it back; add the series number when there are several: `rsvp 2`."
    )


def oh_rsvp_ack(oh: OfficeHours, s: OfficeHoursSession, going: bool, count: int) -> Message:
    if going:
        return simple(
            "You're going to ",
            Strong(_name(oh)),
            " on ",
            when(s.scheduled_at),
            f" ({count} going). I'll remind you an hour before; press RSVP again to cancel.",
        )
    return simple("RSVP withdrawn for ", Strong(_name(oh)), " on ", when(s.scheduled_at), f". {count} going.")


def oh_asked(q: OfficeHoursQuestion, s: OfficeHoursSession, position: int) -> Message:
    b = MessageBuilder().para(
        f"Queued as Q{q.id} for the session on ",
        when(s.scheduled_at),
        f" — #{position} in the queue. Others can upvote it; you can withdraw it with "
        f"`/officehours withdraw {q.id}`.",
    )
    return b.build(summary="Question queued")


def oh_question_closed(q: OfficeHoursQuestion) -> Message:
    return simple(f"Q{q.id} is already {q.state}.")


def oh_voted(q: OfficeHoursQuestion, added: bool, votes: int) -> Message:
    verb = "Upvoted" if added else "Vote removed from"
    return simple(f"{verb} Q{q.id} ({votes} vote{'s' if votes != 1 else ''}).")


def oh_withdrawn(q: OfficeHoursQuestion) -> Message:
    return simple(f"Withdrew Q{q.id}.")


def oh_answered(q: OfficeHoursQuestion) -> Message:
    return simple(f"Marked Q{q.id} as answered.")


def oh_queue(oh: OfficeHours, s: OfficeHoursSession, queue: Sequence[QueuedQuestion], host: bool) -> Message:
    b = MessageBuilder().para(
        Strong(f"Questions for {_name(oh)}"), " on ", when(s.scheduled_at), " (by votes, then age)"
    )
    b.bullets(
        [_question_line(q) for q in queue] or [line("No questions yet — `/officehours ask <question>`.")]
    )
    if host and queue:
        b.buttons(*(Button(f"Answered Q{q.question.id}", f"oh:answered:{q.question.id}") for q in queue[:5]))
    elif queue:
        b.buttons(*(Button(f"Upvote Q{q.question.id}", f"oh:upvote:{q.question.id}") for q in queue[:5]))
    return b.build(summary="Question queue")


def oh_recap_saved(s: OfficeHoursSession) -> Message:
    return simple(
        "Thanks — the recap of the session on ",
        when(s.scheduled_at),
        " is posted in the session's thread, and open questions carry over to next time.",
    )


def oh_recap_updated() -> Message:
    return simple("Recap updated.")


def oh_skipped(s: OfficeHoursSession, nxt: OfficeHoursSession | None, told: int) -> Message:
    parts: list[Any] = [
        "Skipped the session on ",
        when(s.scheduled_at),
        f". I've told the {told} who RSVP'd.",
    ]
    if nxt is not None:
        parts += [" Next: ", when(nxt.scheduled_at), "; its queue keeps the questions already asked."]
    return simple(*parts)


def oh_cancelled(oh: OfficeHours, told: int) -> Message:
    return simple(
        f"Cancelled {_name(oh)}. I've told the {told} who had RSVP'd; pending reminders are withdrawn."
    )


def oh_already_cancelled(oh: OfficeHours) -> str:
    return (
        f"{_name(oh)} was already cancelled: nothing changed. Start it again with `/officehours create …`; "
        "`/officehours list` shows the ones running."
    )


def oh_edited(oh: OfficeHours, field: str) -> Message:
    return simple(f"Updated the {field} of {_name(oh)}.")


def oh_stats(oh: OfficeHours, rows: Sequence[tuple[OfficeHoursSession, int, int, int]]) -> Message:
    b = MessageBuilder().heading(f"{_name(oh)} — attendance and questions")
    if not rows:
        return b.para("No sessions have taken place yet.").build()
    b.bullets(
        [
            line(
                format_date(s.scheduled_at.date()),
                f" · {s.state} · {rsvps} RSVP'd · {asked} asked · {done} answered",
            )
            for s, rsvps, asked, done in rows
        ]
    )
    total_asked = sum(r[2] for r in rows)
    total_done = sum(r[3] for r in rows)
    b.para(
        f"In all: {counted(len(rows), 'session')}, {counted(sum(r[1] for r in rows), 'RSVP')}, "
        f"{counted(total_asked, 'question')}, {total_done} answered."
    )
    return b.build(summary="Office hours stats")


# ---- what the bot posts on its own -----------------------------------------------------------------


def oh_thread_title(oh: OfficeHours, s: OfficeHoursSession, zone: tzinfo) -> str:
    """The session's thread name, dated in the series' own zone."""
    return f"{oh.topic or 'Office hours'} {s.scheduled_at.astimezone(zone):%Y-%m-%d}"


def oh_announcement(oh: OfficeHours, s: OfficeHoursSession, hosts: Sequence[Member], count: int) -> Message:
    b = MessageBuilder().heading(f"Office hours: {oh.topic or 'open questions'}")
    b.para(
        when(s.scheduled_at),
        " (",
        relative(s.scheduled_at),
        f"), {s.duration_minutes} min, with ",
        *_hosts(hosts),
        ".",
    )
    b.para(
        "RSVP to get a reminder, and queue your question ahead — here with the button, with "
        "`/officehours ask <question>`, or by replying in this thread. Upvote the ones you want answered too."
    )
    b.buttons(*_rsvp_buttons(s, count))
    return b.build(summary=f"Office hours {format_date(s.scheduled_at.date())}")


def oh_announcement_off(oh: OfficeHours, s: OfficeHoursSession, state: str) -> Message:
    """The announcement of a session that will not take place ("skipped" or "cancelled"): no RSVP."""
    b = MessageBuilder().heading(f"Office hours: {oh.topic or 'open questions'} ({state})")
    b.para("The session on ", when(s.scheduled_at), f" is {state}: it will not take place.")
    if state == "skipped":
        b.para("Questions queued for it wait for the next session; `/officehours next` shows when.")
    return b.build(summary=f"Office hours {format_date(s.scheduled_at.date())} {state}")


def oh_reminder(oh: OfficeHours, s: OfficeHoursSession, mine: Sequence[QueuedQuestion]) -> Message:
    b = MessageBuilder().para(
        Strong(_name(oh)), " starts ", relative(s.scheduled_at), " (", when(s.scheduled_at), ")."
    )
    if oh.join_details:
        b.para("Join: " + oh.join_details)
    if mine:
        b.para("Your question" + ("s" if len(mine) > 1 else "") + " in the queue:")
        b.bullets([_question_line(q) for q in mine])
    else:
        b.para("Got a question? `/officehours ask <question>` puts it in the queue.")
    return b.build(summary="Office hours soon")


def oh_host_brief(
    oh: OfficeHours, s: OfficeHoursSession, told: int, queue: Sequence[QueuedQuestion]
) -> Message:
    b = MessageBuilder().para(
        Strong(_name(oh)),
        " starts ",
        relative(s.scheduled_at),
        f". {counted(told, 'person', 'people')} RSVP'd and {'was' if told == 1 else 'were'} reminded. The queue:",
    )
    b.bullets([_question_line(q) for q in queue] or [line("No questions yet.")])
    return b.build(summary="Office hours: host brief")


def oh_rsvp_notice(oh: OfficeHours, s: OfficeHoursSession, event: str) -> Message:
    if event == "cancelled":
        return simple(
            Strong(_name(oh)),
            " has been cancelled, including the session on ",
            when(s.scheduled_at),
            " you RSVP'd for. Sorry!",
        )
    return simple(
        "The ",
        Strong(_name(oh)),
        " session on ",
        when(s.scheduled_at),
        " you RSVP'd for is skipped. Your questions stay queued for the next one.",
    )


def oh_carried_over(oh: OfficeHours, text: str) -> Message:
    return simple(
        "Your question “",
        text,
        "” wasn't reached at ",
        Strong(_name(oh)),
        ". It carries over to the next session, at the top of the queue's age order.",
    )


def oh_starting(
    oh: OfficeHours, s: OfficeHoursSession, hosts: Sequence[Member], queue: Sequence[QueuedQuestion]
) -> Message:
    b = MessageBuilder().heading(f"Starting now: {oh.topic or 'office hours'}")
    b.para("With ", *_hosts(hosts), "." + (f" Join: {oh.join_details}" if oh.join_details else ""))
    b.para(Strong("The queue"), " (by votes, then age):")
    b.bullets([_question_line(q) for q in queue] or [line("No questions queued — bring them live.")])
    if queue:
        b.buttons(*(Button(f"Answered Q{q.question.id}", f"oh:answered:{q.question.id}") for q in queue[:5]))
    return b.build(summary="Office hours starting")


def oh_recap_request(
    oh: OfficeHours, s: OfficeHoursSession, hosts: Sequence[Member], asked: Sequence[QueuedQuestion]
) -> Message:
    open_count = sum(1 for q in asked if q.question.state == QuestionState.OPEN)
    b = MessageBuilder().para(
        *_hosts(hosts),
        f" — thanks for hosting! {counted(len(asked), 'question')} {'was' if len(asked) == 1 else 'were'} asked, "
        f"{open_count} still open. A short recap helps everyone who couldn't come:",
    )
    b.para(
        f"`/officehours recap {oh.id} <what was covered, links shared>` — mark answered ones first with "
        "`/officehours answered N`. Without a recap I'll post the summary in two days."
    )
    b.buttons(Button("Write the recap", f"oh:recap:{oh.id}", ButtonStyle.PRIMARY))
    return b.build(summary="Recap, please")


def oh_recap_post(
    oh: OfficeHours,
    s: OfficeHoursSession,
    recorder: Member | None,
    answered: Sequence[QueuedQuestion],
    carried: Sequence[QueuedQuestion],
) -> Message:
    b = MessageBuilder().heading(
        f"Recap: {oh.topic or 'office hours'} of {format_date(s.scheduled_at.date())}"
    )
    if s.recap:
        by: list[Any] = [" — ", who(recorder)] if recorder else []
        b.para(s.recap, *by)
    b.para(Strong(f"Answered ({len(answered)})"))
    b.bullets([_question_line(q, False) for q in answered] or [line("None recorded.")])
    if carried:
        b.para(Strong(f"Carried over to next time ({len(carried)})"))
        b.bullets([_question_line(q, False) for q in carried])
    return b.build(summary="Office hours recap")


def oh_number_needed(verb: str, given: str) -> str:
    shown = f" (not “{given}”)" if given else ""
    return f"I need the question's number{shown}, e.g. `/officehours {verb} 12`. `/officehours questions` shows them."


def oh_recap_missing() -> str:
    return "Add the recap text, e.g. `/officehours recap 1 Covered promotion packets; slides: https://…`"


def oh_channel_missing() -> str:
    return f"Name the channel the sessions are announced in. For example: {OH_EXAMPLE}"


def oh_cadence_missing() -> str:
    return f"Say when the sessions happen. For example: {OH_EXAMPLE}"
