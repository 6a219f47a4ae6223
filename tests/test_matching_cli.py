"""In the console a mentee finds a mentor, asks with a real goal, is declined kindly or accepted, starts."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import run

SCRIPT = """\
:admin @mo
@ann :form match:profile:0 tags=rust, system design; focus=technical; capacity=1; note=Happy to help.
@dee :form match:profile:0 tags=rust, career growth; capacity=2
@bo /mentor find rust
@bo :press match:request:2
@bo :form match:new:2 goal=rust
@bo :form match:new:2 goal=Lead the design of our payments API migration; by=2027-03-31; \
cadence=every 2 weeks on tue 10am
@cy /mentor request @dee Prepare my case for a senior promotion this cycle
@dee :form match:decline:2 text=I'm full this quarter, sorry!
@ann :press match:accept:1
@cy /mentor find rust
@bo :press match:cadence:1
@eve /mentor request @dee Get comfortable reviewing Rust pull requests by March
:advance 5d
:advance 2d
@mo /mentor requests
"""


def test_finding_requesting_and_starting_a_mentorship_in_the_console(tmp_path: Path) -> None:
    result = run(
        ["run", "--start", "2026-11-30T08:00Z"], SCRIPT, {"MENTORBOT_DATA_DIR": str(tmp_path / "data")}
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    expected_in_order = [
        "[only @bo] == Mentors for “rust” ==",
        "[Request ann → :press match:request:2]",
        "(form “Ask ann to mentor you”: `:form match:new:2 goal=…`",
        "[only @bo] “rust” is a start!",
        "[only @bo] Request #1 sent to @ann.",
        "You'll hear from me by Mon 7 Dec, 08:00 UTC at the latest",
        "[dm → @ann] == A mentorship request ==",
        "[Accept → :press match:accept:1]",
        "[dm → @cy] @dee can't take on request #2 right now:",
        "“I'm full this quarter, sorry!”",
        "[#mentorship-ann-bo] == Welcome to your mentorship ==",
        "Goal: Lead the design of our payments API migration",
        "[#mentorship-ann-bo] == Where this mentorship starts ==",
        "The first session would be Tue 1 Dec, 10:00 UTC.",
        "[dm → @bo] @ann accepted your request #1!",
        "Full right now (not taking requests until a slot frees up): @ann.",
        "[only @bo] Cadence with @ann set: every 2 weeks on Tuesday at 10:00 (UTC)",
        "[only @eve] Request #3 sent to @dee.",
        "[dm → @dee] == Still waiting: a mentorship request ==",
        "[dm → @eve] == No answer yet — let's find you someone else ==",
        "== Expired ==",
    ]
    position = 0
    for fragment in expected_in_order:
        found = out.find(fragment, position)
        assert found >= 0, f"missing after position {position}: {fragment!r}\n{out}"
        position = found
    assert "Traceback" not in out + result.stderr
