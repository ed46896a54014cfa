"""`workbench copies`: shots that appear in more than one video, with their offsets."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.options import by_option, dir_arg, json_option, print_rows


@click.command()
@dir_arg
@click.option("--video", default=None, help="Only the shots of this video (sha256 or prefix).")
@json_option
@by_option
def copies(directory: Path, video: str | None, as_json: bool, actor: str) -> None:
    """Find the shots of the case's videos in the other videos (re-encoded, rescaled,
    cropped, letterboxed, overlaid copies), store the copy links, propose confirmed
    findings at the aligned frames of their copies, and list the copies."""
    from workbench.case import Case
    from workbench.cli.progress import RichProgress
    from workbench.recognize.copies import check_video, find_copies
    from workbench.recognize.propagate import propagate
    from workbench.video.clips import timecode

    with Case.open(directory) as c:
        wanted = [check_video(c, video)] if video else None
        with RichProgress(bytes_mode=False) as progress:
            found = find_copies(c, wanted, progress, actor)
        proposals = [p for p in propagate(c, None, actor) if p.new]
        rows = [
            link.to_record()
            | {
                "a_clock": f"{timecode(link.a_first_time)}-{timecode(link.a_last_time)}",
                "b_clock": f"{timecode(link.b_first_time)}-{timecode(link.b_last_time)}",
            }
            for link in found.links
        ]
    if as_json:
        print_rows(rows, "json")
        return
    for row in rows:
        click.echo(
            f"shot {row['shot_a']} of {row['video_a'][:12]} ({row['a_clock']}, frames"
            f" {row['a_first']}-{row['a_last']}) is {row['b_clock']} of {row['video_b'][:12]}"
            f" (frames {row['b_first']}-{row['b_last']}; offset {row['offset_s']:+.3f} s,"
            f" {row['distance']:.1f} bits)"
        )
    if not rows:
        click.echo("No shot of these videos appears in another video of the case.")
    for sha, why in found.skipped.items():
        click.echo(f"skipped {sha[:12]}: {why}", err=True)
    if proposals:
        click.echo(
            f"{len(proposals)} confirmed finding(s) proposed at their copies: review them with"
            " `workbench findings DIR --status suggested`."
        )
    elif rows:
        click.echo("Next: confirm a finding on one copy and run this again to propose it on all.")
