"""Every sentence of the privacy area: export, forget me, and their confirmations."""

from __future__ import annotations

from bot.messages import Button, ButtonStyle, Message, MessageBuilder

# What a forgotten person is called in what the other person keeps.
FORMER_MEMBER = "a former member"


def export_started() -> Message:
    return (
        MessageBuilder()
        .para(
            "I'm putting together everything I hold about you; it arrives by DM in a moment, as a JSON file "
            "and a .zip with one CSV per table."
        )
        .build(summary="Export on its way")
    )


def export_ready(tables: dict[str, int]) -> Message:
    b = MessageBuilder().heading("Your mentorbot data")
    b.para(
        "Here is everything I hold about you: your profile, mentorships, check-ins, the updates, takeaways, "
        "agenda questions and reflections you wrote, action items, office-hours questions and RSVPs, "
        "requests and calendar feeds."
    )
    b.para(", ".join(f"{name}: {count}" for name, count in tables.items()))
    b.para("To be forgotten: `/mentor forget me`.")
    return b.build(summary="Your data export")


def export_filenames() -> tuple[str, str]:
    return "mentorbot-export.json", "mentorbot-export-csv.zip"


def forget_confirm(member_id: int, open_mentorships: int) -> Message:
    b = MessageBuilder().heading("Forget me?")
    b.para(
        "This deletes what you wrote (updates, takeaways, agenda questions, reflections, your action items, "
        "office-hours questions, requests, your mentor profile), revokes your calendar feed, withdraws "
        "everything I was going to send you, and replaces your name with “a former member” in what the "
        "other person keeps."
    )
    if open_mentorships:
        b.para(
            f"Your {open_mentorships} open mentorship{'s' if open_mentorships != 1 else ''} will end; "
            "the other person is told kindly and asked for a reflection."
        )
    b.para("This can't be undone. Want a copy first? `/mentor export`.")
    b.buttons(
        Button("Yes, forget me", f"privacy:forget:{member_id}", ButtonStyle.DANGER),
        Button("Cancel", f"privacy:keep:{member_id}"),
    )
    return b.build(summary="Forget me?")


def forgotten() -> Message:
    return (
        MessageBuilder()
        .para(
            "Done: I've deleted what you wrote and ended your mentorships; nothing I hold names you any more. "
            "If you use mentorbot again you start fresh. Take care!"
        )
        .build(summary="Forgotten")
    )


def forget_cancelled() -> Message:
    return MessageBuilder().para("Nothing was deleted. Everything stays as it was.").build(summary="Kept")


def forget_usage(rest: str) -> str:
    return (
        f"To delete your data, type `/mentor forget me` (then confirm with the button). “{rest}” isn't that."
        if rest
        else "To delete your data, type `/mentor forget me` (then confirm with the button)."
    )


def not_your_button() -> str:
    return "That button belongs to someone else's request; type `/mentor forget me` for your own."


def export_usage(rest: str) -> str:
    return (
        f"`/mentor export` sends you everything I hold about you (it takes no options; “{rest}” isn't one)."
    )
