"""A seeded mentoring program with known numbers, written straight into the tables (tests and bench).

Pair i (of n) is concluded when i % 10 == 9, paused when 8, proposed when 7, else active. Running pairs
had a weekly check-in on each of the 8 Mondays before `now` (09:00 UTC): held, except the last two are
missed when i % 5 == 0 and the third-last is skipped when i % 3 == 0. Active pairs with i % 7 == 0 have
been silent 35 days. Running pairs have one action item done in 3 days and one open, overdue by 5 days
when i % 4 == 1 (else due in 5 days).

With n ≥ 3 there is more: mentor0 offers 2 slots, mentor1 3, mentor2 is unavailable; one request waits,
two were matched after 24 and 48 hours, one expired; an office-hours series held three sessions on the
Thursdays before `now` with 2, 3, 4 RSVPs, 1, 2, 3 questions (plus one withdrawn each) and 0, 1, 2
answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.states import Stage
from bot.matching.tables import MentorProfile, MentorRequest
from bot.officehours.tables import OfficeHours, OfficeHoursQuestion, OfficeHoursRsvp, OfficeHoursSession
from bot.persistence.tables import ActionItem, CheckIn, Member, Mentorship, Workspace


@dataclass(frozen=True)
class Seeded:
    workspace_id: int
    admin_id: int
    mentorship_ids: list[int]


def state_of(i: int) -> str:
    return {9: "concluded", 8: "paused", 7: "proposed"}.get(i % 10, "active")


async def seed_program(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    n: int,
    *,
    platform: str = "console",
    external_id: str = "W1",
    admin: str = "admin",
) -> Seeded:
    async with sessions() as s, s.begin():
        ws = Workspace(
            platform=platform, external_id=external_id, name=external_id, settings={}, created_at=now
        )
        s.add(ws)
        await s.flush()
        boss = Member(
            workspace_id=ws.id, external_id=admin, display_name=admin, is_admin=True, created_at=now
        )
        people = [
            Member(workspace_id=ws.id, external_id=f"{role}{i}", display_name=f"{role}{i}", created_at=now)
            for i in range(n)
            for role in ("mentor", "mentee")
        ]
        s.add_all([boss, *people])
        await s.flush()
        pairs = []
        for i in range(n):
            state = state_of(i)
            silent = state == "active" and i % 7 == 0
            pairs.append(
                Mentorship(
                    workspace_id=ws.id,
                    mentor_id=people[2 * i].id,
                    mentee_id=people[2 * i + 1].id,
                    created_by_id=people[2 * i].id,
                    goals="a private goal",
                    focus="career",
                    stage=list(Stage)[i % 4].value,
                    state=state,
                    created_at=now - timedelta(days=120),
                    activated_at=None if state == "proposed" else now - timedelta(days=119),
                    ended_at=now - timedelta(days=3) if state == "concluded" else None,
                    last_activity_at=now - timedelta(days=35 if silent else 2),
                )
            )
        s.add_all(pairs)
        await s.flush()
        monday = (now - timedelta(days=now.weekday())).replace(hour=9, minute=0, second=0, microsecond=0)
        rows: list[object] = []
        for i, m in enumerate(pairs):
            if m.state == "proposed":
                continue
            for k in range(1, 9):
                state = "held"
                if i % 5 == 0 and k <= 2:
                    state = "missed"
                elif i % 3 == 0 and k == 3:
                    state = "skipped"
                at = monday - timedelta(days=7 * k)
                rows.append(
                    CheckIn(
                        mentorship_id=m.id,
                        slot_at=at,
                        scheduled_at=at,
                        state=state,
                        takeaways="private takeaways",
                        created_at=at,
                    )
                )
            if m.state in ("active", "paused"):
                today: date = now.date()
                rows.append(
                    ActionItem(
                        mentorship_id=m.id,
                        owner_id=m.mentee_id,
                        created_by_id=m.mentee_id,
                        text="private item",
                        state="done",
                        created_at=now - timedelta(days=20),
                        closed_at=now - timedelta(days=17),
                    )
                )
                rows.append(
                    ActionItem(
                        mentorship_id=m.id,
                        owner_id=m.mentee_id,
                        created_by_id=m.mentee_id,
                        text="private item",
                        due_date=today - timedelta(days=5) if i % 4 == 1 else today + timedelta(days=5),
                        state="open",
                        created_at=now - timedelta(days=10),
                    )
                )
        s.add_all(rows)
        if n >= 3:
            await _matching_and_office_hours(s, ws, boss, people, pairs, now, monday)
        return Seeded(ws.id, boss.id, [m.id for m in pairs])


async def _matching_and_office_hours(
    s: AsyncSession,
    ws: Workspace,
    boss: Member,
    people: list[Member],
    pairs: list[Mentorship],
    now: datetime,
    monday: datetime,
) -> None:
    for i, (capacity, available) in enumerate([(2, True), (3, True), (1, False)]):
        s.add(
            MentorProfile(
                workspace_id=ws.id,
                member_id=people[2 * i].id,
                tags=["career"],
                focuses=["career"],
                capacity=capacity,
                available=available,
                created_at=now,
                updated_at=now,
            )
        )
    day = timedelta(days=1)
    for state, created, decided, mentorship in [
        ("requested", now - day, None, None),
        ("accepted", now - 10 * day, now - 9 * day, pairs[0].id),
        ("accepted", now - 10 * day, now - 8 * day, pairs[1].id),
        ("expired", now - 20 * day, now - 12 * day, None),
    ]:
        s.add(
            MentorRequest(
                workspace_id=ws.id,
                mentee_id=people[1].id,
                mentor_id=people[0].id,
                goal="a private goal",
                state=state,
                remind_at=created + 3 * day,
                expires_at=created + 7 * day,
                decided_at=decided,
                mentorship_id=mentorship,
                created_at=created,
            )
        )
    oh = OfficeHours(
        workspace_id=ws.id,
        channel_id="C-oh",
        channel_name="office-hours",
        topic="Career Q&A",
        cadence_rule="DTSTART:20260101T170000Z\nRRULE:FREQ=WEEKLY;BYDAY=TH",
        cadence_phrase="weekly on thursday at 17:00",
        state="cancelled",  # how a series ends (SeriesState)
        created_by_id=boss.id,
        created_at=now - 60 * day,
    )
    s.add(oh)
    await s.flush()
    for j in range(3):
        at = monday - timedelta(days=4 + 7 * (2 - j)) + timedelta(hours=8)
        session = OfficeHoursSession(
            office_hours_id=oh.id,
            slot_at=at,
            scheduled_at=at,
            state="held",
            recap="private recap",
            created_at=at,
        )
        s.add(session)
        await s.flush()
        s.add_all(
            [
                OfficeHoursRsvp(session_id=session.id, member_id=people[k].id, created_at=at)
                for k in range(j + 2)
            ]
        )
        for k in range(j + 2):
            state = "withdrawn" if k == j + 1 else ("answered" if k < j else "open")
            s.add(
                OfficeHoursQuestion(
                    session_id=session.id,
                    author_id=people[k].id,
                    text="a private question",
                    state=state,
                    created_at=at,
                )
            )


def nudges(h: object, user: str) -> list[object]:
    """The "nudge both" DMs a test's FakeChat delivered to `user`."""
    return [d for d in h.chat.dms(user) if "A nudge from your mentoring program" in d.text]  # type: ignore[attr-defined]
