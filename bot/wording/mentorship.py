"""What the bot says about mentorships: replies, reminders, notices, errors and help."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, tzinfo
from typing import TYPE_CHECKING, Any

from bot.domain.recurrence import recurrence_from_rule
from bot.domain.states import ActionState, MentorshipState
from bot.domain.timefmt import format_date, format_local
from bot.messages import (
    Block,
    Button,
    ButtonStyle,
    Form,
    FormField,
    Line,
    Message,
    MessageBuilder,
    Paragraph,
    Strong,
    Text,
    line,
    simple,
)

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from bot.domain.recurrence import Recurrence
    from bot.domain.states import Stage
    from bot.persistence.tables import ActionItem, AgendaItem, CheckIn, Member, Mentorship, StatusUpdate

from bot.wording.common import duration_text, joined, relative, when, who


def _action_line(item: ActionItem, people: Mapping[int, Member | None], today: date | None = None) -> Line:
    owner = people.get(item.owner_id)
    parts: list[Any] = [Strong(f"#{item.id}"), f" {item.text}"]
    if owner is not None:
        parts += [" — ", who(owner)]
    if item.due_date is not None:
        overdue = today is not None and item.due_date < today
        parts.append(f" · {'overdue since' if overdue else 'due'} {format_date(item.due_date)}")
    return line(*parts)


def _item_buttons(item: ActionItem) -> tuple[Button, ...]:
    return (
        Button("Mark done", f"actions:done:{item.id}", ButtonStyle.PRIMARY),
        Button("Drop", f"actions:drop:{item.id}"),
        Button("Snooze a day", f"actions:snooze:{item.id}"),
    )


# ---- errors (strings shown as friendly replies) --------------------------------------------------


def not_yours() -> str:
    return "Only the two people in a mentorship (and workspace admins) can see or change it."


def mentorship_not_found() -> str:
    return "I couldn't find that mentorship. `/mentor list` shows yours."


def no_mentorship_with(name: str) -> str:
    return f"You don't have a mentorship with {name} that this applies to. `/mentor list` shows yours."


def which_mentorship(names: Sequence[tuple[str, str, str]], example: str) -> str:
    """Which of several: `example` is the command (as typed), shown with `with @first` appended."""
    options = ", ".join(mentorship_choice(name, focus) for _uid, name, focus in names)
    first = names[0][1] if names else "someone"
    return (
        f"You have {len(names)} mentorships ({options}). Which one? Say it by mentioning the other person, "
        f"e.g. `{example} with @{first}`."
    )


def mentorship_choice(name: str, focus: str) -> str:
    return f"{name}{f' ({focus})' if focus else ''}"


def which_direction(name: str, roles: Sequence[tuple[int, bool, str]]) -> str:
    options = "; ".join(
        f"#{ident}: {'you mentor ' + name if mentoring else name + ' mentors you'}{f' ({focus})' if focus else ''}"
        for ident, mentoring, focus in roles
    )
    return (
        f"You and {name} have more than one mentorship ({options}), so mentioning them doesn't say which. "
        "Use the buttons in that mentorship's thread, which name it exactly."
    )


def no_mentorships(active: bool) -> str:
    if active:
        return (
            "You're not in an active mentorship yet. Start one with `/mentor pair @someone <goal> by <date>`, "
            "e.g. `/mentor pair @sam ready for promotion by June focus career`."
        )
    return "There's no mentorship here that this applies to. `/mentor list` shows yours."


def mentorship_in_state(partner: str, state: MentorshipState) -> str:
    """A command that needs another state: what state the mentorship is in, and what works now."""
    if state in (MentorshipState.CONCLUDED, MentorshipState.DECLINED):
        what = "has ended" if state == MentorshipState.CONCLUDED else "was declined"
        return (
            f"Your mentorship with {partner} {what}, so there's nothing to change. `/mentor reflect <text>` "
            "or `/mentor keep-in-touch` still work; `/mentor pair @someone` starts a new one."
        )
    if state == MentorshipState.PAUSED:
        return f"Your mentorship with {partner} is paused. `/mentor resume` picks it up again."
    if state == MentorshipState.PROPOSED:
        return (
            f"Your mentorship with {partner} hasn't been accepted yet (`/mentor accept`). "
            "`/mentor list` shows yours."
        )
    return f"Your mentorship with {partner} is already {state.value}. `/mentor next` shows the next check-in."


def not_paused(c: CheckIn | None) -> Message:
    if c is not None:
        return simple("It isn't paused — the next check-in is ", when(c.scheduled_at), ".")
    return simple("It isn't paused. Set a rhythm with `/mentor cadence every 2 weeks on Tuesday at 10:00`.")


def pair_others_admin_only() -> str:
    return (
        "Only workspace admins can pair two other people. To mentor someone yourself: `/mentor pair @mentee`."
    )


def pair_self() -> str:
    return "You can't mentor yourself — mention the person you'd like to mentor, e.g. `/mentor pair @sam`."


def too_long(what: str, limit: int, got: int) -> str:
    return f"{what} can be at most {limit:,} characters; yours has {got:,}. Please shorten it and try again."


def already_paired(mentor: str, mentee: str, state: str) -> str:
    return f"{mentor} and {mentee} already have a mentorship ({state}). `/mentor list` shows it."


def too_many_mentors(mentee: str, limit: int) -> str:
    return (
        f"{mentee} already has {limit} mentors — that's the most mentorbot keeps at once, so each gets real "
        "attention. One of them can `/mentor end` first."
    )


def focus_taken(mentee: str, focus: str) -> str:
    from bot.domain.states import SUGGESTED_FOCUSES

    others = ", ".join(f"`focus {f}`" for f in SUGGESTED_FOCUSES if f != focus)
    return (
        f"{mentee} already has a mentor with the focus “{focus}”. Pick another focus (e.g. {others}) "
        "so the mentorships stay easy to tell apart."
    )


def cannot_accept_own() -> str:
    return "You proposed this mentorship, so the other person accepts it. I'll tell you when they do."


def admins_only(command: str) -> str:
    return f"`{command}` is for workspace admins."


def pause_date_past(until: date) -> str:
    return (
        f"{format_date(until)} is not in the future. Try `/mentor pause until <date>`, e.g. `until jan 10`."
    )


def nothing_to_skip() -> str:
    return "There's no upcoming check-in to skip. Set a rhythm first with `/mentor cadence every 2 weeks on tue 10am`."


def _earlier(updates: Sequence[object], shown: int = 5) -> str:
    """ " (the last 5 of 8; the rest are in the check-in's thread)" when updates are left out."""
    if len(updates) <= shown:
        return ""
    return f" (the last {shown} of {len(updates)}; all of them are in the check-in's thread)"


def skip_only_next(c: CheckIn, on: date, tz: ZoneInfo) -> str:
    return (
        f"Only the next check-in can be skipped, and it's {format_local(c.scheduled_at, tz)}, not "
        f"{format_date(on)}. `/mentor skip` skips it; for a longer break, `/mentor pause until <date>`."
    )


def skip_what(verb: str, said: str) -> str:
    return (
        f"I skip one check-in at a time, so I didn't understand “{said[:80]}”. `/mentor {verb}` skips the "
        "next one (`/mentor next` shows it); for a longer break, `/mentor pause until <date>`."
    )


def checkin_keyword_or_update(said: str, meant: str) -> str:
    return f"Did you mean `/checkin {meant}`, or is “{said[:40]}” your update?"


def cancel_which() -> str:
    return "Cancel what: just the next check-in, or the whole mentorship?"


def nothing_to_reschedule() -> str:
    return "There's no upcoming check-in to move. Set a rhythm first with `/mentor cadence every 2 weeks on tue 10am`."


def reschedule_past() -> str:
    return "That time has already passed. Try e.g. `/mentor reschedule tomorrow 15:00` or `/mentor reschedule dec 3 10am`."


def reschedule_unchanged(at: datetime, tz: ZoneInfo) -> Message:
    return simple(f"The next check-in is already at {format_local(at, tz)} — nothing to move.")


def reschedule_past_next(next_slot: datetime, tz: ZoneInfo) -> str:
    return (
        f"That's on or after the following check-in ({format_local(next_slot, tz)}). To drop this one instead, "
        "use `/mentor skip`."
    )


def already_ended() -> str:
    return "This mentorship has already ended."


def reflect_empty() -> str:
    return "Write a sentence or two, e.g. `/mentor reflect The mock interviews helped most.`"


def reminders_bad(text: str = "") -> str:
    shown = f"I couldn't read lead times from “{text}”. " if text else ""
    return shown + (
        "Reminders take up to four lead times between 5 minutes and 14 days, e.g. `/mentor reminders 24h 1h` "
        "or `/mentor reminders 1 day and 2 hours`. `/mentor reminders off` turns them off."
    )


def no_checkin_for_update(state: str) -> str:
    if state == MentorshipState.PAUSED:
        return "This mentorship is paused, so there's no check-in to post to. `/mentor resume` picks it up again."
    return (
        "There's no check-in scheduled yet. Set one with `/mentor cadence every 2 weeks on Tuesday at 10:00`."
    )


no_checkin_for_agenda = no_checkin_for_update


def already_held() -> str:
    return "Notes were already recorded for the last check-in, so it counts as held."


def no_started_checkin(nxt: CheckIn | None, tz: ZoneInfo) -> str:
    if nxt is not None:
        return (
            f"Your next check-in hasn't started yet ({format_local(nxt.scheduled_at, tz)}). Notes can be "
            "recorded once it has; before it, `/agenda add <question>` or `/checkin <update>`."
        )
    return "There's no past check-in to record notes for yet."


def agenda_empty_question() -> str:
    return "Add the question itself, e.g. `/agenda add How do I prepare for the promotion panel?`"


def agenda_full(limit: int) -> str:
    return f"The agenda already has {limit} questions — that's more than one session can take. Pick the most important."


def update_not_found() -> str:
    return "I couldn't find that update."


def action_empty() -> str:
    return "Say what needs doing, e.g. `/actions add Draft the design doc @sam due friday`."


def action_owner_outside(name: str) -> str:
    return f"{name} isn't part of this mentorship, so they can't own its action items."


def due_in_past(due: date) -> str:
    return f"{format_date(due)} has already passed. Try `due friday`, `due dec 12` or `due in 2 weeks`."


def too_many_actions(limit: int) -> str:
    return (
        f"This mentorship already has {limit} open action items. Close some with `/actions done N` or "
        "`/actions drop N` first — a shorter list gets done."
    )


def action_not_found(number: int) -> str:
    return f"There's no action item #{number} in your mentorships. `/actions` lists yours."


def action_not_yours(number: int) -> str:
    return f"Action item #{number} belongs to a mentorship you're not part of."


def unknown_zone(raw: str, suggestions: Sequence[str]) -> str:
    hint = f" Did you mean {' or '.join(suggestions)}?" if suggestions else ""
    return (
        f"I don't know the time zone “{raw}”.{hint} A city works (`/timezone berlin`), as does an IANA name "
        "(`/timezone America/New_York`) or an abbreviation (`/timezone EST`)."
    )


ZONE_MISSING = "Which time zone? e.g. `/timezone Europe/Berlin`, `/timezone berlin` or `/timezone EST`."


def zone_offset_bad(raw: str) -> str:
    return f"“{raw}” is not a UTC offset: they run from UTC-12 to UTC+14, e.g. `/timezone UTC+2`."


def zone_offset_unused(raw: str) -> str:
    return f"No time zone is at {raw} at the moment. A city works, e.g. `/timezone berlin`."


def zone_offset_question(raw: str) -> str:
    return (
        f"Several places are at {raw} right now, and they change their clocks on different days (or "
        "never). Which is yours? The Etc/GMT one never changes."
    )


def zone_abbreviation_question(raw: str) -> str:
    return f"{raw} means different times in different places. Which one is yours?"


def zone_place_question(raw: str) -> str:
    return f"There is more than one “{raw}”. Which one do you mean?"


def hours_bad(text: str) -> str:
    return f"I couldn't read working hours from “{text}”. Try `/timezone hours 9-17` or `/timezone hours 08:30-16:30`."


# ---- replies -------------------------------------------------------------------------------------


def pair_proposed(m: Mentorship, mentor: Member, mentee: Member, askees: Sequence[Member]) -> Message:
    b = MessageBuilder().para("Proposed: ", who(mentor), " mentoring ", who(mentee), ".")
    b.fields(_goal_fields(m))
    b.para(
        "I've asked ",
        *joined([who(a) for a in askees], " and "),
        " to accept. You'll hear from me as soon as they answer.",
    )
    return b.build(summary="Mentorship proposed")


def _goal_fields(m: Mentorship) -> list[tuple[str, Line]]:
    pairs: list[tuple[str, Line]] = []
    if m.goals:
        pairs.append(("Goal", line(m.goals)))
    if m.target_date:
        pairs.append(("Target", line(format_date(m.target_date))))
    if m.focus:
        pairs.append(("Focus", line(m.focus)))
    return pairs


def accepted(mentor: Member, mentee: Member) -> Message:
    return simple(
        "You're on! ",
        who(mentor),
        " and ",
        who(mentee),
        " are now a mentorship. I'm opening a shared space for "
        "you two; set your rhythm there with `/mentor cadence every 2 weeks on Tuesday at 10:00`.",
        summary="Mentorship accepted",
    )


def declined_ack() -> Message:
    return simple("Declined. I've let them know, kindly.")


def mentorship_list(
    me: Member, rows: Sequence[tuple[Mentorship, Member, Member, CheckIn | None]], everyone: bool
) -> Message:
    if not rows:
        return simple(no_mentorships(True))
    b = MessageBuilder().heading("All mentorships" if everyone else "Your mentorships")
    items: list[Line] = []
    for m, mentor, mentee, nxt in rows:
        if everyone:
            head: list[Any] = [who(mentor), " → ", who(mentee)]
        elif me.id == mentor.id:
            head = ["mentoring ", who(mentee)]
        else:
            head = ["mentored by ", who(mentor)]
        extra = f" ({m.focus})" if m.focus else ""
        tail: list[Any] = [f"{extra} · {m.state}, {m.stage}"]
        if nxt is not None:
            tail += [" · next ", when(nxt.scheduled_at)]
        elif m.state == MentorshipState.ACTIVE and not m.cadence_rule:
            tail.append(" · no cadence yet")
        items.append(line(*head, *tail))
    b.bullets(items)
    return b.build(summary="Your mentorships")


def cadence_set(
    rec: Recurrence, upcoming: Sequence[datetime], other: Member, state: str, scheduled: bool
) -> Message:
    b = MessageBuilder().para("Cadence with ", who(other), f" set: {rec.describe()}.")
    b.para("The next three, in your time:")
    b.bullets([line(when(at)) for at in upcoming])
    if state == MentorshipState.PAUSED:
        b.para("The mentorship is paused; check-ins start again when you `/mentor resume`.")
    elif scheduled:
        b.para(
            "I've posted the next check-in in your shared space and will remind you both before it. "
            "Not right? Set it again, or move one session with `/mentor reschedule`."
        )
    return b.build(summary="Cadence set")


def next_checkin(
    m: Mentorship, mentor: Member, mentee: Member, c: CheckIn | None, rec: Recurrence | None, now: datetime
) -> Message:
    b = MessageBuilder()
    if m.state == MentorshipState.PAUSED:
        until = f" until {format_date(m.paused_until)}" if m.paused_until else ""
        return b.para(f"This mentorship is paused{until}. `/mentor resume` picks it up again.").build()
    if c is None:
        return b.para(
            "No check-in is scheduled. Set a rhythm with `/mentor cadence every 2 weeks on tue 10am`."
        ).build()
    b.para(
        "Next check-in of ",
        who(mentor),
        " and ",
        who(mentee),
        ": ",
        when(c.scheduled_at),
        " (",
        relative(c.scheduled_at),
        f"), {c.duration_minutes} min.",
    )
    if rec is not None:
        following = rec.occurrences_after(c.slot_at, 2)
        if following:
            b.para("After that: ", *joined([when(t) for t in following]))
    b.buttons(
        Button("Skip this check-in", f"checkin:skip:{c.id}"), Button("Add to agenda", f"agenda:add:{m.id}")
    )
    return b.build(summary="Next check-in")


def paused_ack(until: date | None) -> Message:
    if until is not None:
        return simple(
            f"Paused until {format_date(until)}: back on that day, when I pick things up again. "
            "Until then the reminders are withdrawn."
        )
    return simple("Paused. Reminders are off until one of you runs `/mentor resume`.")


def resumed_ack(c: CheckIn | None, has_cadence: bool) -> Message:
    if c is not None:
        return simple("Welcome back! Next check-in: ", when(c.scheduled_at), ".")
    if has_cadence:
        return simple("Welcome back! The cadence has no more dates; set a new one with `/mentor cadence …`.")
    return simple("Welcome back! Set a rhythm with `/mentor cadence every 2 weeks on Tuesday at 10:00`.")


def skipped_ack(c: CheckIn, nxt: CheckIn | None) -> Message:
    if nxt is not None:
        return simple(
            "Skipped the check-in of ",
            when(c.scheduled_at),
            ". The next one is ",
            when(nxt.scheduled_at),
            ".",
        )
    return simple(
        "Skipped the check-in of ", when(c.scheduled_at), ". There are no more dates in this cadence."
    )


def rescheduled_ack(old: datetime, new: datetime) -> Message:
    return simple(
        "Moved this one check-in from ",
        when(old),
        " to ",
        when(new),
        ". The cadence carries on as before after it.",
    )


def ended_ack(with_feedback: bool) -> Message:
    thanks = " Thanks for the feedback — it's saved with the mentorship." if with_feedback else ""
    return simple(f"The mentorship has ended.{thanks} I've sent you both a note to close it well.")


def reflection_saved() -> Message:
    return simple("Thank you — your reflection is saved. It helps the next mentorship go even better.")


def keep_in_touch_ack() -> Message:
    return simple(
        "Noted — I've told them you'd like to keep in touch. No reminders; reach out whenever you like."
    )


def stage_set(stage: Stage) -> Message:
    return simple(f"Stage set to “{stage.value}”.")


def reminders_set(minutes: Sequence[int]) -> Message:
    if not minutes:
        return simple(
            "Reminders are off for both of you in this mentorship (I've told them in your shared space). "
            "`/mentor reminders 24h 1h` turns them back on."
        )
    return simple(
        "Reminders will come to both of you "
        + " and ".join(duration_text(n) for n in minutes)
        + " before each check-in (I've told them in your shared space)."
    )


def checkin_overview(
    me: Member,
    m: Mentorship,
    mentor: Member,
    mentee: Member,
    c: CheckIn | None,
    agenda: Sequence[AgendaItem],
    updates: Sequence[StatusUpdate],
    actions: Sequence[ActionItem],
    people: Mapping[int, Member | None],
) -> Message:
    other = mentee if me.id == mentor.id else mentor
    b = MessageBuilder()
    if c is None:
        b.para("No upcoming check-in with ", who(other), ". ", no_checkin_for_update(m.state))
    else:
        b.heading("Your next check-in")
        b.para("With ", who(other), ": ", when(c.scheduled_at), " (", relative(c.scheduled_at), ").")
        b.para(Strong("Agenda"), f" ({len(agenda)})")
        b.bullets([line(a.text) for a in agenda] or [line("Nothing yet — `/agenda add <question>`.")])
        if updates:
            b.para(Strong("Updates so far"), _earlier(updates))
            b.bullets(
                [
                    line(who(people[u.author_id]) if people.get(u.author_id) else "?", ": ", u.text)  # type: ignore[arg-type]
                    for u in updates[-5:]
                ]
            )
    b.para(Strong("Open action items"))
    b.bullets([_action_line(a, people) for a in actions] or [line("None open.")])
    if c is not None:
        b.buttons(
            Button("Post an update", f"checkin:update:{m.id}", ButtonStyle.PRIMARY),
            Button("Add to agenda", f"agenda:add:{m.id}"),
        )
    return b.build(summary="Your next check-in")


def update_posted(c: CheckIn) -> Message:
    return simple("Posted your update to the thread of the check-in on ", when(c.scheduled_at), ".")


def notes_recorded(first_time: bool) -> Message:
    if first_time:
        return simple(
            "Notes saved and the check-in marked as held. I'm sending you both the follow-up summary."
        )
    return simple("Notes updated. I'm sending you both the updated summary.")


def missed_ack() -> Message:
    return simple("Marked as missed. It happens — the next one is on the calendar.")


def question_added(c: CheckIn, question: str) -> Message:
    return simple("Added to the agenda for ", when(c.scheduled_at), f": “{question}”")


def agenda_list(c: CheckIn, items: Sequence[AgendaItem], authors: Mapping[int, Member | None]) -> Message:
    b = MessageBuilder().para(Strong("Agenda"), " for ", when(c.scheduled_at))
    lines: list[Line] = []
    for i, a in enumerate(items, 1):
        author = authors.get(a.author_id)
        lines.append(line(f"{i}. {a.text}", " — ", who(author)) if author else line(f"{i}. {a.text}"))
    b.bullets(lines or [line("No questions yet. Add one with `/agenda add <question>`.")])
    return b.build(summary="Agenda")


def thread_not_yours() -> Message:
    return simple("Only the two people of this mentorship can post updates in its check-in threads.")


def thread_update_saved_for(nxt: CheckIn) -> Message:
    return simple(
        "This check-in is off, so I saved your update for the next one, ", when(nxt.scheduled_at), "."
    )


def thread_update_saved() -> Message:
    return simple("Saved as a status update for this check-in.")


def thread_reply_not_saved(text: str) -> Message:
    """A thread reply that could not be stored (the database stayed unreachable): given back whole."""
    return simple(
        "I couldn't save your reply — I can't reach my database right now. Here it is, so nothing is "
        "lost; please post it again in a few minutes:\n",
        text,
    )


def action_added(item: ActionItem, owner: Member, me: Member) -> Message:
    parts: list[Any] = [f"Added #{item.id}: {item.text}"]
    if owner.id != me.id:
        parts += [" — owner ", who(owner)]
    if item.due_date:
        parts.append(f", due {format_date(item.due_date)}")
    parts.append(". I'll follow up until it's done or dropped.")
    return MessageBuilder().para(*parts).buttons(*_item_buttons(item)).build(summary="Action item added")


def action_list(
    me: Member, items: Sequence[ActionItem], people: Mapping[int, Member | None], today: date
) -> Message:
    if not items:
        return simple(
            "No open action items. Add one with `/actions add send CV to @sam by friday` (yours unless you add `owner @sam`)."
        )
    b = MessageBuilder().heading("Open action items")
    b.bullets([_action_line(i, people, today) for i in items])
    b.para("Close one with `/actions done N` or `/actions drop N`.")
    return b.build(summary="Open action items")


def action_already(item: ActionItem) -> Message:
    return simple(f"#{item.id} is already {item.state}.")


def action_closed(item: ActionItem) -> Message:
    verb = "Done" if item.state == ActionState.DONE else "Dropped"
    return simple(f"{verb}: #{item.id} {item.text}.")


def action_reopened(item: ActionItem) -> Message:
    return simple(f"Reopened #{item.id} {item.text}: it's on the open list again.")


def action_still_open(item: ActionItem) -> Message:
    return simple(f"#{item.id} {item.text} is still open. `/actions done {item.id}` closes it.")


def action_snoozed(item: ActionItem) -> Message:
    due = format_date(item.due_date) if item.due_date else "later"
    return simple(f"Snoozed #{item.id} to {due}.")


def timezone_set(zone: str, now: datetime, typed: str = "") -> Message:
    from zoneinfo import ZoneInfo

    source = f" (from “{typed}”)" if typed and typed.strip().lower() != zone.lower() else ""
    return simple(f"Time zone set to {zone}{source}. It's {format_local(now, ZoneInfo(zone))} for you now.")


def read_in(zone: str, named: bool = False) -> Message:
    if named:
        return simple(f"(I read the time in {zone}, as you wrote it.)")
    return simple(f"(I read the time in your zone, {zone}; `/timezone` changes it.)")


def close_failed(number_text: str, reason: str) -> Message:
    return simple(f"{number_text}: {reason}")


def timezone_show(me: Member, now: datetime) -> Message:
    from zoneinfo import ZoneInfo

    if not me.tz:
        return simple(
            "You haven't set a time zone, so I'm using UTC. Set yours with `/timezone Europe/Berlin`."
        )
    source = " (from your profile)" if me.tz_source == "platform" else ""
    hours = ""
    if me.work_start_minute is not None and me.work_end_minute is not None:
        hours = (
            f" Working hours {me.work_start_minute // 60:02d}:{me.work_start_minute % 60:02d}–"
            f"{me.work_end_minute // 60:02d}:{me.work_end_minute % 60:02d}."
        )
    return simple(f"Your time zone is {me.tz}{source}; it's {format_local(now, ZoneInfo(me.tz))}.{hours}")


def hours_set(start: time, end: time) -> Message:
    return simple(f"Working hours set to {start:%H:%M}–{end:%H:%M}.")


# ---- what the bot posts on its own ---------------------------------------------------------------


def home_title(mentor: Member, mentee: Member, focus: str) -> str:
    return f"mentorship-{mentor.display_name}-{mentee.display_name}" + (f"-{focus}" if focus else "")


def thread_title(c: CheckIn, zone: tzinfo) -> str:
    """The check-in's thread name, dated in the series' own zone (08:00 Tokyo is the previous day in UTC)."""
    return f"Check-in {c.scheduled_at.astimezone(zone):%Y-%m-%d}"


def welcome(m: Mentorship, mentor: Member, mentee: Member) -> Message:
    b = MessageBuilder().heading("Welcome to your mentorship")
    b.para(
        who(mentor),
        " is mentoring ",
        who(mentee),
        ". This is your shared space: each check-in is posted here, and replies to it are its status updates.",
    )
    b.fields(_goal_fields(m))
    b.para(
        "Next step: agree on a rhythm, e.g. `/mentor cadence every 2 weeks on Tuesday at 10:00` or "
        "`/mentor cadence monthly on the first Thursday at 17:00`."
    )
    return b.build(summary="Welcome to your mentorship")


def checkin_announcement(
    m: Mentorship, mentor: Member, mentee: Member, c: CheckIn, actions: Sequence[ActionItem]
) -> Message:
    b = MessageBuilder().heading("Next check-in")
    b.para(
        who(mentor),
        " & ",
        who(mentee),
        ": ",
        when(c.scheduled_at),
        " (",
        relative(c.scheduled_at),
        f"), {c.duration_minutes} min.",
    )
    b.para("Reply in this thread with updates as they happen; bring specific questions with `/agenda add …`.")
    if actions:
        people = {mentor.id: mentor, mentee.id: mentee}
        b.para(Strong("Open action items"))
        b.bullets([_action_line(a, people) for a in actions[:10]])
    b.buttons(
        Button("Post an update", f"checkin:update:{m.id}", ButtonStyle.PRIMARY),
        Button("Add to agenda", f"agenda:add:{m.id}"),
        Button("Skip this check-in", f"checkin:skip:{c.id}"),
    )
    return b.build(summary="Next check-in")


def checkin_called_off(m: Mentorship, nxt: CheckIn | None) -> Message:
    """In the thread of an announced check-in that is off: why, and where the conversation goes next."""
    if m.state == MentorshipState.PAUSED:
        return simple(
            "This check-in is off: the mentorship is paused. `/mentor resume` picks it up again.",
            summary="Check-in called off",
        )
    if m.state != MentorshipState.ACTIVE:
        return simple("This check-in is off: the mentorship has ended.", summary="Check-in called off")
    if nxt is None:
        return simple(
            "This check-in is off, and nothing is scheduled after it. "
            "Set a rhythm with `/mentor cadence every 2 weeks on tue 10am`.",
            summary="Check-in called off",
        )
    return simple(
        "This check-in is off: the next one is ",
        when(nxt.scheduled_at),
        " (",
        relative(nxt.scheduled_at),
        "), in its own thread. Updates posted here go to that one.",
        summary="Check-in called off",
    )


def checkin_back_on(c: CheckIn) -> Message:
    return simple(
        "This check-in is back on: ",
        when(c.scheduled_at),
        " (",
        relative(c.scheduled_at),
        ").",
        summary="Check-in back on",
    )


def checkin_moved(m: Mentorship, c: CheckIn) -> Message:
    return simple(
        "This check-in moved to ",
        when(c.scheduled_at),
        " (",
        relative(c.scheduled_at),
        ").",
        summary="Check-in moved",
    )


def reminder_mentee(
    m: Mentorship,
    mentor: Member,
    c: CheckIn,
    agenda: Sequence[AgendaItem],
    actions: Sequence[ActionItem],
    people: Mapping[int, Member | None],
) -> Message:
    b = MessageBuilder().heading("Check-in coming up")
    b.para("With ", who(mentor), ": ", when(c.scheduled_at), " (", relative(c.scheduled_at), ").")
    b.para("Come with specific questions — what's blocking you, what you'd like a second opinion on.")
    if agenda:
        b.para(Strong("On the agenda"))
        b.bullets([line(a.text) for a in agenda])
    else:
        b.para("Nothing on the agenda yet: `/agenda add <question>`.")
    if actions:
        b.para(Strong("Your open action items"))
        b.bullets([_action_line(a, people) for a in actions[:10]])
    b.buttons(
        Button("Add to agenda", f"agenda:add:{m.id}", ButtonStyle.PRIMARY),
        Button("Post an update", f"checkin:update:{m.id}"),
        Button("Skip this check-in", f"checkin:skip:{c.id}"),
    )
    return b.build(summary="Check-in reminder")


def reminder_mentor(
    m: Mentorship,
    mentee: Member,
    c: CheckIn,
    agenda: Sequence[AgendaItem],
    updates: Sequence[StatusUpdate],
    actions: Sequence[ActionItem],
    people: Mapping[int, Member | None],
) -> Message:
    b = MessageBuilder().heading("Check-in coming up")
    b.para("With ", who(mentee), ": ", when(c.scheduled_at), " (", relative(c.scheduled_at), ").")
    if updates:
        b.para(Strong("Latest updates"), _earlier(updates))
        b.bullets([line(u.text) for u in updates[-5:]])
    else:
        b.para("No status updates since the last check-in.")
    if agenda:
        b.para(Strong("Their questions"))
        b.bullets([line(a.text) for a in agenda])
    if actions:
        b.para(Strong("Open action items"))
        b.bullets([_action_line(a, people) for a in actions[:10]])
    b.buttons(Button("Skip this check-in", f"checkin:skip:{c.id}"))
    return b.build(summary="Check-in reminder")


def wrapup_prompt(mentor: Member, mentee: Member, c: CheckIn, nxt: CheckIn | None) -> Message:
    b = MessageBuilder().para(
        who(mentor), " ", who(mentee), " — how did it go? Write down what you agreed while it's fresh:"
    )
    b.bullets(
        [
            line("takeaways: `/checkin notes <what we discussed and decided>`"),
            line("action items: `/actions add <text> [owner @who] by <date>`"),
            line("didn't meet? `/checkin missed`"),
        ]
    )
    if nxt is not None:
        b.para("Next check-in: ", when(nxt.scheduled_at), ".")
    b.buttons(
        Button("Add notes", f"checkin:notes:{c.id}", ButtonStyle.PRIMARY),
        Button("Add action item", f"actions:add:{c.mentorship_id}"),
        Button("We didn't meet", f"checkin:missed:{c.id}"),
    )
    return b.build(summary="How did the check-in go?")


def marked_missed(mentor: Member, mentee: Member) -> Message:
    return simple(
        "No notes were recorded for this check-in, so I've marked it as missed. If you did meet, "
        "`/checkin notes <takeaways>` fixes that.",
        summary="Check-in marked as missed",
    )


def followup_summary(
    person: Member,
    other: Member,
    c: CheckIn,
    recorder: Member | None,
    new_items: Sequence[ActionItem],
    open_items: Sequence[ActionItem],
    nxt: CheckIn | None,
    people: Mapping[int, Member | None],
    updated: bool,
) -> Message:
    b = MessageBuilder().heading("Check-in summary" + (" (updated)" if updated else ""))
    b.para("Your check-in with ", who(other), " on ", when(c.scheduled_at), ".")
    if c.takeaways:
        by: list[Any] = [" (by ", who(recorder), ")"] if recorder else []
        b.para(Strong("Takeaways"), *by)
        b.para(c.takeaways)
    mine = [a for a in open_items if a.owner_id == person.id]
    theirs = [a for a in open_items if a.owner_id != person.id]
    if new_items:
        b.para(Strong("Agreed this session"))
        b.bullets([_action_line(a, people) for a in new_items])
    b.para(Strong("Your open action items"))
    b.bullets([_action_line(a, people) for a in mine] or [line("None — nice.")])
    if theirs:
        b.para(Strong("Theirs"))
        b.bullets([_action_line(a, people) for a in theirs])
    if nxt is not None:
        b.para("Next check-in: ", when(nxt.scheduled_at), " (", relative(nxt.scheduled_at), ").")
    return b.build(summary="Check-in summary")


def status_update_post(author: Member, text: str) -> Message:
    return (
        MessageBuilder()
        .para(Strong("Update from "), who(author), Strong(": "), text)
        .build(summary="Status update")
    )


def notice(
    event: str,
    m: Mentorship,
    mentor: Member,
    mentee: Member,
    viewer: Member | None,
    payload: Mapping[str, Any],
    people: Mapping[int, Member | None],
) -> Message:
    by = people.get(int(payload.get("by_id") or payload.get("proposer_id") or 0))
    actor: list[Any] = [who(by)] if by else ["Someone"]
    if event == "proposal":
        b = MessageBuilder().heading("Mentorship proposal")
        if viewer is not None and viewer.id == mentee.id and by is not None and by.id != mentor.id:
            b.para(*actor, " would like ", who(mentor), " to mentor you.")
        elif viewer is not None and viewer.id == mentee.id:
            b.para(*actor, " would like to mentor you.")
        else:
            b.para(*actor, " would like you to mentor ", who(mentee), ".")
        b.fields(_goal_fields(m))
        b.para("Accept with `/mentor accept`, or decline with `/mentor decline [a kind note]`.")
        b.buttons(
            Button("Accept", f"mentorship:accept:{m.id}", ButtonStyle.PRIMARY),
            Button("Decline", f"mentorship:decline:{m.id}", ButtonStyle.DANGER),
        )
        return b.build(summary="Mentorship proposal")
    if event == "declined":
        note = str(payload.get("message") or "").strip()
        b = MessageBuilder().para(*actor, " declined the mentorship proposal" + (":" if note else "."))
        if note:
            b.para(f"“{note}”")
        b.para(
            "That's no judgement on you — timing and fit matter. `/mentor pair` someone else when you're ready."
        )
        return b.build(summary="Mentorship declined")
    if event == "withdrawn":
        return simple(*actor, " withdrew the mentorship proposal.", summary="Proposal withdrawn")
    if event == "cadence":
        # What it means, not what was typed: "at 2:30" was read as 14:30.
        rhythm = (
            recurrence_from_rule(m.cadence_rule, m.duration_minutes, m.cadence_phrase or "").describe()
            if m.cadence_rule
            else m.cadence_phrase
        )
        return simple(
            *actor,
            f" set the cadence: {rhythm}. Each check-in is posted here; replies to it are its status updates.",
            summary="Cadence set",
        )
    if event == "reminders":
        minutes = [int(n) for n in payload.get("minutes") or []]
        said = (
            "turned reminders off for both of you"
            if not minutes
            else "set reminders for both of you: "
            + " and ".join(duration_text(n) for n in minutes)
            + " before"
        )
        return simple(*actor, f" {said} each check-in.", summary="Reminders changed")
    if event == "paused":
        until = payload.get("until")
        tail = (
            f" until {format_date(date.fromisoformat(until))}" if until else "; `/mentor resume` picks it up"
        )
        return simple(*actor, f" paused this mentorship{tail}. No reminders meanwhile.", summary="Paused")
    if event == "resumed":
        return simple(*actor, " resumed this mentorship. Welcome back!", summary="Resumed")
    if event == "skipped":
        skipped = datetime.fromisoformat(str(payload["skipped_at"]))
        return simple(*actor, " skipped the check-in of ", when(skipped), ".", summary="Check-in skipped")
    if event == "rescheduled":
        old, new = (datetime.fromisoformat(str(payload[k])) for k in ("old", "new"))
        return simple(*actor, " moved the check-in of ", when(old), " to ", when(new), ".", summary="Moved")
    if event == "ended":
        return _ended(m, viewer, actor, bool(payload.get("reflected")))
    if event == "partner_left":
        return _ended(m, viewer, actor, False, left=True)
    if event == "keep_in_touch":
        return simple(
            *actor,
            " would like to keep in touch, ad hoc. Reach out whenever it helps.",
            summary="Keep in touch",
        )
    if event == "member_left":
        return simple(
            *actor,
            " is no longer a member of this workspace, so your mentorship is paused: no check-ins or"
            " reminders for now, and nothing is deleted. If they come back, `/mentor resume` picks it"
            " up again; `/mentor end` closes it.",
            summary="Mentorship paused",
        )
    if event == "home_moved":
        return simple(
            "Your previous shared space for this mentorship was archived or deleted, so this is your"
            " new one. Check-ins, their threads and updates continue here.",
            summary="A new home for your mentorship",
        )
    if event == "missed_twice":
        b = MessageBuilder().para(
            "The last two check-ins didn't happen. That's a signal, not a failure — "
            "what would make the rhythm work?"
        )
        b.bullets(
            [
                line("a different rhythm: `/mentor cadence every 3 weeks on thu 16:00`"),
                line("a break: `/mentor pause until <date>`"),
                line("closing well: `/mentor end <a word of feedback>`"),
            ]
        )
        b.buttons(
            Button("Pause a month", f"mentorship:pause:{m.id}"),
            Button("End the mentorship", f"mentorship:end:{m.id}", ButtonStyle.DANGER),
        )
        return b.build(summary="Two check-ins missed")
    raise ValueError(f"unknown notice {event!r}")


def _ended(
    m: Mentorship, viewer: Member | None, actor: list[Any], reflected: bool, *, left: bool = False
) -> Message:
    b = MessageBuilder().heading("Your mentorship has concluded")
    if left:
        b.para(
            "Your mentoring partner has left mentorbot and asked for their data to be deleted, so this "
            "mentorship has ended. Nothing you did caused it — thank you for the time and care you put in. "
            "Your own notes, updates and action items stay yours."
        )
    else:
        b.para(*actor, " ended the mentorship. Thank you both for the time and care you put in.")
    if reflected:
        b.para("Your feedback is saved. Anything to add? `/mentor reflect <text>`.")
    else:
        b.para(
            "A short reflection helps you both: what went well, what would you change? "
            "`/mentor reflect <text>`."
        )
    b.para("Want to stay in touch without a schedule? `/mentor keep-in-touch`.")
    b.buttons(
        Button("Write a reflection", f"mentorship:reflect:{m.id}", ButtonStyle.PRIMARY),
        Button("Keep in touch ad hoc", f"mentorship:keep:{m.id}"),
    )
    return b.build(summary="Mentorship concluded")


def auto_resumed(mentor: Member, mentee: Member, c: CheckIn | None) -> Message:
    parts: list[Any] = ["Welcome back, ", who(mentor), " and ", who(mentee), "! The pause is over."]
    if c is not None:
        parts += [" Next check-in: ", when(c.scheduled_at), "."]
    return simple(*parts, summary="Mentorship resumed")


def gone_quiet(m: Mentorship, mentor: Member, mentee: Member, last: datetime) -> Message:
    b = MessageBuilder().para(
        who(mentor),
        " ",
        who(mentee),
        " — nothing has happened here since ",
        when(last),
        ". Still on? Pick a next step so this doesn't fade out:",
    )
    b.bullets(
        [
            line("meet again: `/mentor cadence every 2 weeks on tue 10am`"),
            line("take a break: `/mentor pause until <date>`"),
            line("close well: `/mentor end <feedback>`"),
        ]
    )
    b.buttons(
        Button("Pause a month", f"mentorship:pause:{m.id}"),
        Button("End the mentorship", f"mentorship:end:{m.id}", ButtonStyle.DANGER),
    )
    return b.build(summary="It's been quiet")


def action_followup(item: ActionItem, other: Member, today: date) -> Message:
    assert item.due_date is not None
    if item.due_date >= today:
        head = f"Due today: #{item.id} {item.text}"
    else:
        days = (today - item.due_date).days
        head = f"#{item.id} {item.text} was due {format_date(item.due_date)} ({days} day{'s' if days != 1 else ''} ago)"
    b = MessageBuilder().para(head + ". Done, still on it, or no longer needed?")
    b.para("(From your mentorship with ", who(other), ".)")
    b.buttons(*_item_buttons(item))
    return b.build(summary="Action item follow-up")


def delivery_failed(kind: str, missing: Member | None, reason: str) -> Message:
    what = "a check-in reminder" if kind == "checkin.remind" else "a message"
    if missing is not None:
        return simple(
            "I couldn't deliver ",
            what,
            " to ",
            who(missing),
            f" by direct message ({reason}). Could you check their DM settings?",
            summary="Delivery failed",
        )
    return simple(f"I couldn't deliver {what} to your shared space ({reason}).", summary="Delivery failed")


def sent_late(message: Message, due_at: datetime) -> Message:
    note: Block = Paragraph(
        line("⏰ Sent late — this was due ", when(due_at), ", while mentorbot was offline.")
    )
    return Message((note, *message.blocks), summary=message.summary, form=message.form)


# ---- forms ---------------------------------------------------------------------------------------


def update_form(mentorship_id: int) -> Form:
    return Form(
        f"checkin:update:{mentorship_id}",
        "Post an update",
        (
            FormField(
                "progress", "Progress since last time", multiline=True, placeholder="What moved forward?"
            ),
            FormField(
                "blockers", "Blockers", multiline=True, required=False, placeholder="What's in the way?"
            ),
            FormField("questions", "Questions for next time", multiline=True, required=False),
        ),
        submit_label="Post",
    )


def single_form(form_id: str, title: str, label: str, placeholder: str = "", required: bool = True) -> Form:
    return Form(
        form_id,
        title,
        (FormField("text", label, multiline=True, required=required, placeholder=placeholder),),
    )


def form_message(form: Form) -> Message:
    return Message((Paragraph((Text(form.title),)),), summary=form.title, form=form)


# ---- help and grammar errors ---------------------------------------------------------------------

TRY_AGAIN = "I can't reach my database right now, so nothing was changed. Please try again in a minute."
OOPS = "Something went wrong on my side and nothing was changed. Please try again; if it keeps happening, tell an admin."
# A form or button whose id this version cannot read (made by an older version of the bot).
STALE_FORM = (
    "That form belongs to an older version of me, so I couldn't read it. Please run the command again."
)
STALE_BUTTON = (
    "That button belongs to an older version of me. Please use the command instead (`/mentor help`)."
)
BUTTON_STALE = (
    "That button is out of date — the thing it was for has changed. `/mentor next` shows where things stand."
)
CADENCE_MISSING = (
    "Tell me the rhythm, e.g. `/mentor cadence every 2 weeks on Tuesday at 10:00` or "
    "`/mentor cadence monthly on the first Thursday at 17:00`."
)
RESCHEDULE_MISSING = (
    "Tell me when, e.g. `/mentor reschedule tomorrow 15:00` or `/mentor reschedule dec 3 at 10am`."
)
PAIR_MISSING = "Mention the person you'd like to mentor, e.g. `/mentor pair @sam ready for promotion by June focus career`."
PAIR_TOO_MANY = (
    "Mention one mentee (or, as an admin, a mentor and then a mentee): `/mentor pair @mentor @mentee <goal>`."
)
VACATION_MISSING = "Until when? e.g. `/mentor vacation until jan 6` (or `/mentor pause` with no date)."
NOTES_MISSING = (
    "Add the takeaways, e.g. `/checkin notes Agreed to draft the promotion case; Sam reviews Friday.`"
)


def stage_bad(text: str) -> str:
    return (
        f"“{text}” isn't a stage I know. Stages: getting started, coaching, close-in, succession — "
        "e.g. `/mentor stage coaching`."
    )


def target_past(target: date) -> str:
    return f"The target date {format_date(target)} has already passed. Try `by June` or `by 2027-03-31`."


def action_number(verb: str, given: str) -> str:
    shown = f" “{given}”" if given else ""
    return f"I need the item's number{shown}, e.g. `/actions {verb} 12`. `/actions` lists them with numbers."


def action_form(mentorship_id: int) -> Form:
    return Form(
        f"actions:add:{mentorship_id}",
        "Add an action item",
        (
            FormField("text", "What needs doing?", placeholder="Draft the promotion case", max_length=300),
            FormField("owner", "Owner (mention; empty = you)", required=False, max_length=100),
            FormField("due", "Due (e.g. friday, dec 12, in 2 weeks)", required=False, max_length=40),
        ),
        submit_label="Add",
    )


def update_from_form(values: Mapping[str, str]) -> str:
    parts = []
    for key, label in (("progress", "Progress"), ("blockers", "Blockers"), ("questions", "Questions")):
        value = (values.get(key) or "").strip()
        if value:
            parts.append(f"{label}: {value}")
    return "\n".join(parts)


# Inside a code span a platform shows a mention raw (`<@U1|ana>`): suggestions show it as @ana instead.
_RAW_MENTION = re.compile(r"<@!?([A-Za-z0-9_.\-]+)(?:\|([^>]*))?>")


def _readable(text: str) -> str:
    return _RAW_MENTION.sub(lambda m: f"@{m[2] or 'someone'}", text)


def unknown_command(name: str, guess: str | None = None, text: str = "", known: Sequence[str] = ()) -> str:
    if guess:
        typed = _readable(f"/{guess} {text}".strip())
        return f"I don't know `/{name}`. Did you mean `{typed}`?"
    helps = [f"`/{c} help`" for c in known]
    listed = ", ".join(helps[:-1]) + f" or {helps[-1]}" if len(helps) > 1 else "".join(helps)
    return f"I don't know `/{name}`." + (f" Try {listed}." if listed else "")


def unknown_sub(command: str, sub: str, guess: str | None = None, rest: str = "", hint: str = "") -> str:
    undo = _UNDO.get((command, sub.removeprefix("un").removeprefix("-"))) if sub.startswith("un") else None
    if undo:
        return f"There's no `/{command} {sub}`: {undo}"
    if guess:
        typed = _readable(f"/{command} {guess} {rest}".strip())
        return f"`/{command} {sub}` isn't something I know. Did you mean `{typed}`?"
    return f"`/{command} {sub}` isn't something I know. " + (hint or f"`/{command} help` lists what works.")


# "unskip", "undone": the opposite of a sub-command is not a typo of it.
_UNDO = {
    ("mentor", "skip"): "to bring a skipped check-in back, move the next one to its time with "
    "`/mentor reschedule <day time>`.",
    ("mentor", "pause"): "`/mentor resume` ends a pause.",
    ("officehours", "skip"): "a skipped session stays skipped; `/officehours next` shows the next one.",
    ("officehours", "rsvp"): "`/officehours rsvp no` takes your RSVP back.",
    ("actions", "done"): "`/actions reopen N` puts item N back on the open list.",
    ("actions", "drop"): "`/actions reopen N` puts item N back on the open list.",
}


def help_unknown(command: str, word: str, guess: str | None) -> Message:
    """Asked for help on a sub-command that does not exist (`/mentor help foo`)."""
    nearest = f" Did you mean `/{command} {guess}`?" if guess else ""
    return simple(f"`/{command}` has no “{word[:40]}”.{nearest} Here is everything it does:")


def help_message(command: str, entries: Sequence[tuple[str, str]], footer: str = "") -> Message:
    """The help page of `/command`: one line per (usage, what it does), then `footer`."""
    b = MessageBuilder().heading(f"/{command}")
    b.bullets(
        [
            line(Strong(f"/{command} {usage}".replace(" (nothing)", "")), f" — {what}")
            for usage, what in entries
        ]
    )
    if footer:
        b.para(footer)
    return b.build(summary=f"/{command} help")


# ---- asking back ---------------------------------------------------------------------------------


# Platforms' button ids take letters for the verb (Discord's template), so answers are a, b, c, d.
ANSWER_LETTERS = "abcd"


def asked_back(question: str, labels: Sequence[str], clarification_id: int) -> Message:
    b = MessageBuilder().para(question)
    return b.buttons(
        *(
            Button(label, f"ask:{ANSWER_LETTERS[index]}:{clarification_id}")
            for index, label in enumerate(labels)
        )
    ).build(summary="A quick question")


def zone_needed() -> str:
    return (
        "Which time zone should I read your times in? I don't know yours yet, and guessing would put "
        "meetings at the wrong hour. Pick one below (it also runs what you typed), or set it with "
        "`/timezone <your city>`, e.g. `/timezone berlin`, and send the command again."
    )


def question_already_answered() -> str:
    return "That question has already been answered (or is more than a day old). Type the command again if needed."


def which_request() -> str:
    return "Several mentor requests are waiting for your answer. Which one do you accept?"


def request_choice(number: int, mentee: str, goal: str) -> str:
    short = goal if len(goal) <= 40 else goal[:39] + "…"
    return f"#{number} {mentee}: {short}" if short else f"#{number} {mentee}"


def snooze_one_at_a_time(verb: str, given: str) -> str:
    return f"I can snooze several items by a day (`/actions {verb} 3 4`), or one item to a date (`/actions {verb} 4 until monday`); “{given}” mixes both."


def combined(messages: Iterable[Message]) -> Message:
    """Several replies to one command ("done 1 2 3") as one message."""
    blocks: list[Block] = []
    for message in messages:
        blocks.extend(message.blocks)
    return Message(tuple(blocks), summary="Done")


def clash_note(
    at: datetime,
    other: Member,
    other_zone: ZoneInfo,
    hours: tuple[int, int],
    suggestion: time | None,
    my_zone: ZoneInfo,
    clarification_id: int | None,
) -> Message:
    start, end = hours
    span = f"{start // 60:02d}:{start % 60:02d}–{end // 60:02d}:{end % 60:02d}"
    which = (
        f"their working hours ({span})"
        if other.work_start_minute is not None
        else f"{span}, when people are usually up"
    )
    b = MessageBuilder().para(
        "Heads-up: that's ",
        format_local(at, other_zone),
        " for ",
        who(other),
        f" ({other_zone.key}), outside {which}.",
    )
    if suggestion is None:
        b.para("I couldn't find a time that day inside both your hours; maybe agree on one together.")
        return b.build(summary="Outside working hours")
    b.para(f"{suggestion:%H:%M} your time ({my_zone.key}) suits you both.")
    if clarification_id is not None:
        b.buttons(Button(f"Use {suggestion:%H:%M} instead", f"ask:a:{clarification_id}", ButtonStyle.PRIMARY))
    return b.build(summary="Outside working hours")
