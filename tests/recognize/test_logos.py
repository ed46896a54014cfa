"""Logo matching on generated frames: the shipped fictional library pasted into control-room
scenes under known homographies, so every expected answer (label, quad) is exact."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from workbench.recognize import synthlogos as synth
from workbench.recognize.logos import (
    LogoLibrary,
    LogoLibraryError,
    LogoMatch,
    LogoMatcher,
    LogoMatchError,
    MatchParams,
)

LIBRARY = Path(__file__).resolve().parents[2] / "data" / "logos"
LABELS = list(synth.DEMO_LOGOS)


@pytest.fixture(scope="module")
def library() -> LogoLibrary:
    return LogoLibrary.load(LIBRARY)


@pytest.fixture(scope="module")
def matcher(library: LogoLibrary) -> LogoMatcher:
    return LogoMatcher(library)


def logo(label: str) -> np.ndarray:
    return np.asarray(Image.open(LIBRARY / f"{label}.png").convert("RGB"))


def frame_with(label: str, place: synth.Placement, scene: int = 7) -> tuple[np.ndarray, np.ndarray]:
    return synth.paste_logo(synth.render_scene(scene), logo(label), place)


def only(matches: list[LogoMatch], label: str) -> LogoMatch:
    assert [m.label for m in matches] == [label], [(m.label, m.score) for m in matches]
    return matches[0]


def corner_error(m: LogoMatch, quad: np.ndarray, width: float) -> float:
    """Largest distance between found and true corners, as a share of the logo's width."""
    return float(np.abs(np.array(m.quad) - quad).max() / width)


def test_shipped_library_is_the_fictional_demo_set(library: LogoLibrary) -> None:
    assert sorted(library.labels) == sorted(LABELS)
    for label, (_, _, vendor) in synth.DEMO_LOGOS.items():
        assert library.vendor(label) == vendor and "(fictional)" in vendor
    assert all((LIBRARY / f"{label}.png").stat().st_size < 50_000 for label in LABELS)


@pytest.mark.parametrize("n, label", list(enumerate(LABELS)))
def test_each_logo_is_found_under_perspective(matcher: LogoMatcher, n: int, label: str) -> None:
    rng = np.random.default_rng(n)
    width = 150 + 30 * n  # 150..300 px in a 1280x720 frame
    place = synth.Placement(width=width, center=(300 + 130 * n, 200 + 50 * n),
                            rotation=float(rng.uniform(-10, 10)), perspective=0.15,
                            jpeg_quality=85, seed=n)  # fmt: skip
    frame, quad = frame_with(label, place, scene=n)
    found = only(matcher.match(frame), label)
    assert found.vendor == synth.DEMO_LOGOS[label][2]
    assert found.score >= matcher.params.threshold and found.inliers >= 6
    assert corner_error(found, quad, width) < 0.04
    x0, y0, x1, y1 = found.bbox
    xs, ys = [p[0] for p in found.quad], [p[1] for p in found.quad]
    assert (x0, y0, x1, y1) == (min(xs), min(ys), max(xs), max(ys))


@pytest.mark.parametrize("scene", [1, 2, 3])
def test_a_scene_without_a_logo_gives_nothing(matcher: LogoMatcher, scene: int) -> None:
    place = synth.Placement(width=200, center=(640, 360), blur=0.6, noise=3, jpeg_quality=60,
                            moire=0.06, seed=scene)  # fmt: skip
    frame, _ = synth.paste_logo(synth.render_scene(100 + scene), None, place)
    assert matcher.match(frame) == []


@pytest.mark.parametrize(
    "name, text, tagline, kind",
    [  # same symbol family, same tagline, a near-identical wordmark
        ("nordvale", "NordVale", "video management", 1),
        ("stellar-optix", "STELLAR OPTIX", "imaging systems", 0),
        ("facetrack", "FaceTrack", "analytics suite", 2),
    ],
)
def test_a_similar_logo_not_in_the_library_gives_nothing(
    matcher: LogoMatcher, name: str, text: str, tagline: str, kind: int
) -> None:
    lookalike = synth.render_logo(name, text=text, tagline=tagline, kind=kind)
    place = synth.Placement(width=240, center=(640, 300), perspective=0.1, seed=4)
    frame, _ = synth.paste_logo(synth.render_scene(21), lookalike, place)
    assert matcher.match(frame) == []


def test_an_inverted_logo_is_found(matcher: LogoMatcher) -> None:
    place = synth.Placement(width=220, center=(500, 420), rotation=-6, perspective=0.12,
                            invert=True, jpeg_quality=75, seed=5)  # fmt: skip
    frame, quad = frame_with("nordview", place, scene=5)
    found = only(matcher.match(frame), "nordview")
    assert found.details["inverted"] == 1.0 and corner_error(found, quad, 220) < 0.04


def test_a_blurred_noisy_compressed_logo_behind_moire_is_found(matcher: LogoMatcher) -> None:
    place = synth.Placement(width=200, center=(900, 250), rotation=8, perspective=0.15, blur=1.0,
                            noise=4, moire=0.08, jpeg_quality=40, seed=6)  # fmt: skip
    frame, quad = frame_with("qalasec", place, scene=6)
    found = only(matcher.match(frame), "qalasec")
    assert corner_error(found, quad, 200) < 0.05


def test_small_logos_are_found_thanks_to_the_multi_scale_pass(library: LogoLibrary) -> None:
    multi = LogoMatcher(library)
    single = LogoMatcher(
        library, MatchParams(refine=False, reference_scales=(1.0,), reference_blur=0)
    )
    found_multi, found_single = 0, 0
    for i, label in enumerate(LABELS):  # about 100 px wide in a 1280x720 frame
        place = synth.Placement(
            width=100,
            center=(400 + 60 * i, 250 + 40 * i),
            rotation=5,
            perspective=0.1,
            blur=0.6,
            jpeg_quality=70,
            seed=10 + i,
        )
        frame, quad = frame_with(label, place, scene=30 + i)
        m = multi.match(frame)
        found_multi += [x.label for x in m] == [label] and corner_error(m[0], quad, 100) < 0.06
        found_single += [x.label for x in single.match(frame)] == [label]
    assert found_multi == len(LABELS)
    assert found_single < found_multi


def test_two_logos_in_one_frame(matcher: LogoMatcher) -> None:
    a = synth.Placement(width=220, center=(300, 200), perspective=0.1, seed=1)
    b = synth.Placement(width=240, center=(900, 480), perspective=0.1, seed=2)
    frame, _ = frame_with("dalakent", a, scene=8)
    frame, _ = synth.paste_logo(frame, logo("orbis-vision"), b)
    assert sorted(m.label for m in matcher.match(frame)) == ["dalakent", "orbis-vision"]


def test_match_records_method_and_is_frozen(matcher: LogoMatcher) -> None:
    frame, _ = frame_with("facetrace", synth.Placement(width=260, center=(640, 360), seed=9))
    found = only(matcher.match(frame), "facetrace")
    assert found.method.startswith("opencv ") and "SIFT+FLANN" in found.method
    assert '"ratio":0.8' in found.method and '"threshold":0.5' in found.method
    assert len(found.quad) == 4 and 0.0 <= found.score <= 1.0
    with pytest.raises(AttributeError):
        found.score = 1.0  # type: ignore[misc]
    assert found.to_dict()["bbox"] == list(found.bbox)
    assert matcher.match(frame) == [found]  # the same frame gives the same answer
    grey = frame.mean(axis=2).astype(np.uint8)
    assert [m.label for m in matcher.match(grey)] == ["facetrace"]
    assert [[m.label for m in ms] for ms in matcher.match_many([frame, grey])] == [
        ["facetrace"]
    ] * 2


def test_bad_frames_are_refused(matcher: LogoMatcher) -> None:
    with pytest.raises(LogoMatchError):
        matcher.match(np.zeros((720, 1280, 3), np.float32))
    with pytest.raises(LogoMatchError):
        matcher.match(np.zeros((8, 8, 3), np.uint8))


def test_the_index_is_cached_by_library_content(tmp_path: Path) -> None:
    lib_dir = synth.write_library(tmp_path / "lib", ["kornex", "solwen-labs"])
    cache = tmp_path / "cache"
    first = LogoMatcher(LogoLibrary.load(lib_dir), cache_dir=cache)
    files = list(cache.glob("*.npz"))
    assert len(files) == 1
    again = LogoMatcher(LogoLibrary.load(lib_dir), cache_dir=cache)
    assert np.array_equal(first.index.desc, again.index.desc)
    frame, _ = synth.paste_logo(synth.render_scene(3), synth.render_logo("kornex"),
                                synth.Placement(width=250, center=(640, 360), seed=1))  # fmt: skip
    assert [m.label for m in again.match(frame)] == ["kornex"]
    Image.fromarray(synth.render_logo("palkor")).save(lib_dir / "palkor.png")
    LogoMatcher(LogoLibrary.load(lib_dir), cache_dir=cache)
    assert len(list(cache.glob("*.npz"))) == 2  # a changed library gets its own index


def test_orb_is_an_option(library: LogoLibrary) -> None:
    orb = LogoMatcher(library, MatchParams(features="orb"))
    frame, _ = frame_with("stellar-optics", synth.Placement(width=300, center=(640, 360), seed=2))
    assert "ORB" in orb.method
    assert [m.label for m in orb.match(frame)] == ["stellar-optics"]


def test_unknown_or_missing_features_are_clear_errors(library: LogoLibrary) -> None:
    with pytest.raises(LogoMatchError, match="Unknown feature type"):
        MatchParams(features="surf")
    import cv2

    if not hasattr(cv2, "AKAZE_create"):
        with pytest.raises(LogoMatchError, match="AKAZE"):
            LogoMatcher(library, MatchParams(features="akaze"))


def write(folder: Path, files: dict[str, bytes | str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    return folder


PNG = (LIBRARY / "qalasec.png").read_bytes()


@pytest.mark.parametrize(
    "files, message",
    [
        ({"qalasec.png": PNG, "logos.toml": "[labels.qalasec\nvendor = 'x'"}, "not valid TOML"),
        ({"qalasec.png": PNG, "logos.toml": "labels = 3"}, "must be a table"),
        ({"qalasec.png": PNG, "logos.toml": "[labels.qalasec]\nvendor = 7"}, "must be a table"),
        ({"qalasec.png": PNG, "logos.toml": '[labels.ghost]\nvendor = "X"'}, "no image: ghost"),
        ({"qalasec.png": PNG, "notes.csv": "a,b\n"}, "notes.csv, which is not an image"),
        ({"qalasec.png": PNG, "broken.png": b"not a png at all"}, "cannot be read as an image"),
        ({"qalasec.png": PNG, "qalasec.jpg": PNG}, "share the label 'qalasec'"),
        ({"logos.toml": ""}, "holds no images"),
    ],
)
def test_library_errors_are_one_clear_sentence(tmp_path: Path, files: dict, message: str) -> None:
    with pytest.raises(LogoLibraryError, match=message) as err:
        LogoLibrary.load(write(tmp_path / "lib", files))
    text = str(err.value)
    assert text.endswith(".") and "\n" not in text


def test_library_basics(tmp_path: Path) -> None:
    with pytest.raises(LogoLibraryError, match="is not a folder"):
        LogoLibrary.load(tmp_path / "missing")
    lib = LogoLibrary.load(write(tmp_path / "lib", {"qalasec.png": PNG, "README.md": "notes"}))
    assert lib.labels == ["qalasec"] and lib.vendor("qalasec") is None and len(lib) == 1
    assert lib.references[0].rgb.shape[2] == 3


def test_import_workbench_does_not_import_opencv() -> None:
    code = "import sys, workbench; assert 'cv2' not in sys.modules, 'cv2 imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_same_frame_gives_the_same_match_whatever_ran_before(library: LogoLibrary) -> None:
    """OpenCV's random generator (RANSAC, FLANN's trees) is reseeded: a second matcher in
    the same process, after other frames, reports the very same quad and score."""
    place = synth.Placement(width=300, center=(560, 330), rotation=4, perspective=0.1, seed=3)
    frame, _ = frame_with("stellar-optics", place, scene=9)
    first = LogoMatcher(library).match(frame)
    other, _ = frame_with("nordview", place, scene=10)
    again = LogoMatcher(library)
    again.match(other)
    second = again.match(frame)
    assert first and [(m.label, m.score, m.quad) for m in first] == [
        (m.label, m.score, m.quad) for m in second
    ]
