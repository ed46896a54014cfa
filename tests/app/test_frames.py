"""The Review page's plain modules: the frame service, screen <-> frame coordinates,
overlays and navigation (no Streamlit)."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from workbench.app import coords, overlays, reviewing
from workbench.app.frames import ChainError, FrameService, encode, parse_chain
from workbench.case.media import sha256_file
from workbench.case.observations import Observation
from workbench.synth import numbered_frames, read_index_strip, write_video
from workbench.video import FrameReader
from workbench.video.enhance import Chain
from workbench.video.shots import Shot

COUNT = 90


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("frames") / "numbered.mp4"
    write_video(path, numbered_frames(COUNT), fps=25, gop=12)
    return path, sha256_file(path)


def strip_of(rgb: np.ndarray) -> int:
    return read_index_strip(rgb)


def test_stepping_through_the_service_shows_exact_frames(clip: tuple[Path, str]) -> None:
    path, sha = clip
    service = FrameService(cache_frames=8)
    index = 0
    moves = [1, 1, 10, -1, -10, 10, 10, -1, -1, 1, 30, -10, -10, 1]
    rng = random.Random(3)
    moves += [rng.randrange(-40, 40) for _ in range(20)]
    for delta in [0, *moves]:
        index = reviewing.step(index, delta, COUNT)
        shown = service.render(path, sha, index, width=320)
        assert shown.ref.index == index
        assert strip_of(shown.rgb) == index  # the pixels really are frame `index`
        # upscaled for display, still the same frame
        assert strip_of(service.render(path, sha, index, width=640).rgb) == index
    for target in rng.sample(range(COUNT), 15):
        assert strip_of(service.render(path, sha, target, width=320).rgb) == target
    with FrameReader(path) as fresh:
        assert shown.ref.pixel_sha256 == fresh.get(shown.ref.index).ref.pixel_sha256
    service.close()


def test_render_zooms_enhances_and_is_cached(clip: tuple[Path, str]) -> None:
    path, sha = clip
    service = FrameService()
    whole = service.render(path, sha, 5, width=160)
    assert whole.rgb.shape == (120, 160, 3) and not whole.view.zoomed
    assert whole.processing.to_string() == ""
    zoom = (0, 200, 160, 40)  # the left half of the index strip
    chain = parse_chain("gamma:0.8", ["sharpen"])
    shown = service.render(path, sha, 5, chain, zoom=zoom, width=320)
    assert shown.rgb.shape == (80, 320, 3)
    assert shown.view.zoomed and shown.mappable
    assert shown.processing.to_string() == "crop:x=0,y=200,w=160,h=40|gamma:0.8|unsharp:amount=1.5"
    rgb, _ = service.frame(path, sha, 5)
    expected = cv2.resize(shown.processing.apply(rgb), (320, 80), interpolation=cv2.INTER_NEAREST)
    assert np.array_equal(shown.rgb, expected)
    assert service.render(path, sha, 5, chain, zoom=zoom, width=320) is shown  # cached view
    jpeg = encode(shown.rgb)
    png = encode(shown.rgb, "png")
    assert jpeg[:2] == b"\xff\xd8" and png[:4] == b"\x89PNG"
    decoded = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    assert np.array_equal(cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB), shown.rgb)
    # a chain that moves pixels: no mapping back to the frame
    moved = service.render(path, sha, 5, parse_chain("crop:x=0,y=0,w=100,h=50"), width=200)
    assert not moved.mappable and moved.rgb.shape == (100, 200, 3)
    with pytest.raises(ChainError):
        service.render(path, sha, 5, parse_chain("crop:x=400,y=0,w=10,h=10"), width=200)


def test_parse_chain_reads_text_json_and_presets() -> None:
    chain = parse_chain("clahe:clip=2|gamma:0.8", ["invert"])
    assert chain.to_string() == "clahe|gamma:0.8|invert"
    assert parse_chain(chain.to_json()).to_string() == chain.to_string()
    assert parse_chain("  ") == Chain()
    for bad in ("bogus:1", "gamma:abc", "gamma:0", "{not json", "zoom:99"):
        with pytest.raises(ChainError):
            parse_chain(bad)
    with pytest.raises(ChainError):
        parse_chain("", ["no such preset"])


def test_service_is_safe_across_threads(clip: tuple[Path, str]) -> None:
    path, sha = clip
    service = FrameService(max_readers=1, cache_frames=4, max_views=2)
    errors: list[str] = []

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(15):
            i = rng.randrange(COUNT)
            got = strip_of(service.render(path, sha, i, width=320).rgb)
            if got != i:
                errors.append(f"{i} != {got}")

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_view_maps_drags_and_points_back_to_frame_pixels() -> None:
    whole = coords.View.whole(1920, 1080, 960, 540)
    assert whole.rect_to_source(100, 50, 300, 150) == (200, 100, 400, 200)
    assert whole.rect_to_source(300, 150, 100, 50) == (200, 100, 400, 200)  # dragged up-left
    # the browser showed the 960 px picture 480 px wide
    assert whole.rect_to_source(50, 25, 150, 75, shown_w=480, shown_h=270) == (200, 100, 400, 200)
    assert whole.rect_to_source(10, 10, 11, 10) is None  # a click, not a drag
    assert whole.rect_to_source(900, 500, 2000, 900) == (1800, 1000, 120, 80)  # clamped
    zoomed = coords.View(1920, 1080, (1000, 500, 480, 270), 960, 540)
    assert zoomed.scale == 2.0
    assert zoomed.to_source(0, 0) == (1000, 500)
    assert zoomed.to_source(960, 540) == (1480, 770)
    assert zoomed.rect_to_source(200, 100, 400, 300) == (1100, 550, 100, 100)
    assert zoomed.to_display(1100, 550) == (200, 100)
    assert zoomed.box_to_display((1100, 550, 100, 100)) == (200, 100, 400, 300)


def test_boxes_parse_and_check() -> None:
    assert coords.parse_box("10, 20, 30, 40") == (10, 20, 30, 40)
    assert coords.parse_box("10 20 30 40", 100, 100) == (10, 20, 30, 40)
    for bad in ("1,2,3", "a,b,c,d", "0,0,0,5", "-1,0,5,5"):
        with pytest.raises(coords.BoxError):
            coords.parse_box(bad)
    with pytest.raises(coords.BoxError, match="not inside the 100x100 frame"):
        coords.parse_box("90,90,20,20", 100, 100)
    assert coords.clamp_box((90, 90, 20, 20), 100, 100) == (90, 90, 10, 10)
    assert coords.clamp_box((200, 0, 5, 5), 100, 100) is None
    assert coords.bbox_of([(10.2, 5), (50.7, 6), (49, 40.4), (11, 39)]) == (10, 5, 41, 35)
    assert coords.display_size(1920, 1080, 960) == (960, 540)


def _obs(oid: int, frame: int, kind: str = "ocr", status: str = "suggested", **kw: object):
    base = dict(
        id=oid, video="ab" * 32, frame_index=frame, time_s=frame / 25, kind=kind,
        text="VENDOR X", label=None, vendor=None, bbox=[10, 10, 60, 30], quad=None,
        score=0.9, status=status, method="test", params={}, tags=[], pixel_sha256=None,
        created_at="", created_by="t", reviewed_at=None, reviewed_by=None,
    )  # fmt: skip
    base.update(kw)
    return Observation(**base)  # type: ignore[arg-type]


def test_overlays_pick_the_frame_or_nearest_keyframe_in_its_shot() -> None:
    obs = [
        _obs(1, 12),
        _obs(2, 12, kind="logo", label="VendorLogo"),
        _obs(3, 30, status="confirmed"),
        _obs(4, 31, kind="capability", bbox=None),
    ]
    here = overlays.for_frame(obs, 12)
    assert here.exact and [o.id for o in here.observations] == [1, 2]
    near = overlays.for_frame(obs, 16)
    assert near.source_index == 12 and not near.exact
    assert "from frame 12 (4 frames earlier, dashed boxes)" in near.describe()
    assert overlays.for_frame(obs, 25).source_index == 30
    assert overlays.for_frame(obs, 21).source_index == 12  # a tie goes to the earlier one
    assert overlays.for_frame(obs, 25, shot_bounds=(0, 24)).source_index == 12
    assert overlays.for_frame(obs, 12, kinds=["logo"]).observations[0].id == 2
    assert overlays.for_frame(obs, 40, shot_bounds=(35, 50)).observations == ()
    assert "VendorLogo" in overlays.label_of(obs[1])


def test_overlays_draw_boxes_where_the_frame_has_them() -> None:
    rgb = np.zeros((540, 960, 3), np.uint8)
    view = coords.View(1920, 1080, (0, 0, 1920, 1080), 960, 540)
    obs = [
        _obs(1, 0, bbox=[200, 200, 400, 300]),
        _obs(2, 0, status="confirmed", bbox=None, quad=[[1000, 100], [1400, 120], [1380, 400]]),
    ]
    out = overlays.draw(rgb, view, obs, selection=(100, 800, 200, 100), labels=False)
    assert out is not rgb and rgb.max() == 0  # drawn on a copy
    assert tuple(out[100, 150]) == overlays.STATUS_COLOURS["suggested"]  # box edge at 200/2
    assert tuple(out[400, 50]) == overlays.SELECTION_COLOUR
    assert (out == overlays.STATUS_COLOURS["confirmed"]).all(axis=2).any()
    with_labels = overlays.draw(rgb, view, obs)
    assert (with_labels != out).any(axis=2)[80:100, 100:300].any()  # a label above the box


def test_navigation_in_time_and_shots(clip: tuple[Path, str]) -> None:
    path, _ = clip
    with FrameReader(path) as reader:
        frames = reader.index
    assert reviewing.step(5, -10, COUNT) == 0 and reviewing.step(85, 10, COUNT) == COUNT - 1
    assert reviewing.step_seconds(10, 1.0, frames) == 35
    assert reviewing.step_seconds(10, -1.0, frames) == 0
    assert reviewing.step_seconds(80, 1.0, frames) == COUNT - 1
    assert reviewing.index_at_time(frames, 2.0) == 50
    assert reviewing.index_at_time(frames, 99.0) == COUNT - 1
    shots = [Shot(0, 0, 29, 0.0, 1.16, "start"), Shot(1, 30, 89, 1.2, 3.56, "cut")]
    assert reviewing.shot_of(shots, 30) is shots[1]
    assert reviewing.neighbour_shot(shots, 10, 1) == 30
    assert reviewing.neighbour_shot(shots, 40, -1) == 30
    assert reviewing.neighbour_shot(shots, 30, -1) == 0
    assert reviewing.neighbour_shot(shots, 40, 1) == 40  # no shot after the last
