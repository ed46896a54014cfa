"""A classical text-line detector and a reader of many lines in one Tesseract call.

`find_lines` binarises a grey image locally in both polarities, keeps the connected
components that look like glyphs (or glyphs blurred together) and chains neighbours of
similar height into lines, each with its angle, text height and polarity. `LinePage`
cuts each line out (deskewed, dark text on light, scaled to one text height) and stacks
them on one page, so that Tesseract reads every line of a frame in a single call; each
word read is mapped back through the line's own transform to the source frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from workbench.recognize.ocr.scripts import repair_scripts
from workbench.recognize.ocr.tesseract import TesseractOcr, Word
from workbench.recognize.records import TextHit, quad_of


@dataclass(frozen=True)
class LineParams:
    min_height: int = 6  # glyph components lower than this are noise
    max_height: int = 90
    block: int = 31  # adaptive-threshold window
    offset: float = 6.0  # how much darker (lighter) than its surroundings a glyph pixel is
    contrast: float = 0.2  # ... at least, as a share of the local grey range
    link_gap: float = 0.9  # glyphs further apart than this times their height are not chained
    min_overlap: float = 0.45  # vertical overlap that chains two glyphs, share of the lower one
    join_gap: float = 1.2  # lines this many text heights apart, side by side, are one line


@dataclass
class Line:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the searched image
    angle: float  # baseline angle, degrees
    height: float  # text height, pixels
    dark: bool  # dark text on a light background
    glyphs: int
    points: np.ndarray = field(repr=False)  # glyph pixel coordinates (x, y), for a tight crop


def _components(binary: np.ndarray, p: LineParams) -> tuple[np.ndarray, np.ndarray]:
    """Rows (x0, y0, w, h, area, label) of glyph-like components."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    s = stats[1:]
    x, y, w, h, area = s[:, 0], s[:, 1], s[:, 2], s[:, 3], s[:, 4]
    fill = area / np.maximum(1, w * h)
    keep = (h >= p.min_height) & (h <= p.max_height) & (w <= 25 * h) & (w >= 1)
    keep &= ((fill > 0.08) & (fill < 0.92)) | (w <= 0.5 * h)  # solid: l, I, 1 or a word blob
    keep &= ~((w > 3 * h) & (fill > 0.9))  # bars and rules, not text
    rows = np.column_stack([x, y, w, h, area, np.arange(1, n)])[keep]
    return rows, labels


def _chain(rows: np.ndarray, p: LineParams) -> list[list[int]]:
    """Union neighbouring components of similar height that overlap vertically."""
    order = np.argsort(rows[:, 0])
    rows = rows[order]
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    x0, y0, w, h = rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3]
    x1, y1 = x0 + w, y0 + h
    for i in range(len(rows)):
        reach = x1[i] + p.link_gap * h[i]
        j = i + 1
        while j < len(rows) and x0[j] <= reach:
            lo, hi = min(h[i], h[j]), max(h[i], h[j])
            overlap = min(y1[i], y1[j]) - max(y0[i], y0[j])
            gap = x0[j] - x1[i]
            centres = abs((y0[i] + y1[i]) - (y0[j] + y1[j])) / 2
            if (
                hi <= 2.0 * lo
                and overlap >= p.min_overlap * lo
                and gap <= p.link_gap * hi
                and centres <= 0.35 * hi
            ):
                parent[find(j)] = find(i)
            j += 1
    groups: dict[int, list[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(int(order[i]))
    return list(groups.values())


def find_lines(gray: np.ndarray, params: LineParams | None = None) -> list[Line]:
    """Text lines in a grey uint8 image, both polarities, overlaps resolved."""
    p = params or LineParams()
    smooth = cv2.GaussianBlur(gray, (0, 0), 0.8).astype(np.float32)
    kernel = np.ones((p.block, p.block), np.uint8)
    mean = cv2.blur(smooth, (p.block, p.block))
    # the margin grows with local contrast, so moiré and glare ripples next to text stay out
    margin = np.maximum(
        p.offset, p.contrast * (cv2.dilate(smooth, kernel) - cv2.erode(smooth, kernel))
    )
    lines: list[Line] = []
    for dark in (True, False):
        fg = smooth < mean - margin if dark else smooth > mean + margin
        binary = fg.astype(np.uint8) * 255
        rows, labels = _components(binary, p)
        if not len(rows):
            continue
        for group in _chain(rows, p):
            g = rows[group]
            x0, y0 = g[:, 0].min(), g[:, 1].min()
            x1, y1 = (g[:, 0] + g[:, 2]).max(), (g[:, 1] + g[:, 3]).max()
            height = float(np.percentile(g[:, 3], 75))
            if len(g) < 2:  # one component: a word blurred into one blob, not a round blob
                ratio, fill = g[0, 2] / g[0, 3], g[0, 4] / (g[0, 2] * g[0, 3])
                if ratio < 1.5 or (ratio < 2.5 and fill > 0.6):
                    continue
            if x1 - x0 < 1.5 * height or height < p.min_height:
                continue
            sub = labels[y0:y1, x0:x1]
            mask = np.isin(sub, g[:, 5])
            ys, xs = np.nonzero(mask)
            pts = np.column_stack([xs + x0, ys + y0]).astype(np.float32)
            angle = 0.0
            if len(g) >= 3 and x1 - x0 > 4 * height:
                cx = g[:, 0] + g[:, 2] / 2
                bottom = g[:, 1] + g[:, 3]
                slope = np.polyfit(cx, bottom, 1)[0]
                angle = float(np.degrees(np.arctan(slope)))
                if abs(angle) > 30:
                    angle = 0.0
            box = (int(x0), int(y0), int(x1), int(y1))
            lines.append(Line(box, angle, height, dark, len(g), pts))
    return _join(_resolve(gray, lines), p.join_gap)


def _join(lines: list[Line], gap: float) -> list[Line]:
    """Join lines that continue each other (words a wide space apart): same polarity,
    similar height and angle, side by side within `gap` text heights."""
    lines = sorted(lines, key=lambda ln: ln.box[0])
    out: list[Line] = []
    for ln in lines:
        for o in out:
            h = max(o.height, ln.height)
            overlap = min(o.box[3], ln.box[3]) - max(o.box[1], ln.box[1])
            if (
                o.dark == ln.dark
                and h <= 1.5 * min(o.height, ln.height)
                and overlap >= 0.6 * min(o.box[3] - o.box[1], ln.box[3] - ln.box[1])
                and abs(o.angle - ln.angle) <= 5
                and -0.2 * h <= ln.box[0] - o.box[2] <= gap * h
            ):
                o.box = (min(o.box[0], ln.box[0]), min(o.box[1], ln.box[1]),
                         max(o.box[2], ln.box[2]), max(o.box[3], ln.box[3]))  # fmt: skip
                o.points = np.concatenate([o.points, ln.points])
                o.height = (o.height * o.glyphs + ln.height * ln.glyphs) / (o.glyphs + ln.glyphs)
                o.glyphs += ln.glyphs
                break
        else:
            out.append(ln)
    return out


def _rect(line: Line, grow: float = 0.0):
    """The line's rotated rectangle, grown by `grow` text heights on each side."""
    (cx, cy), (w, h), angle = cv2.minAreaRect(line.points)
    pad = 2 * grow * line.height
    return (cx, cy), (w + pad, h + pad), angle


def ink_is_dark(gray: np.ndarray, rect) -> bool:
    """Otsu inside the rotated box: the minority class is the ink."""
    box = cv2.boxPoints(rect).astype(np.int32)
    x, y, w, h = cv2.boundingRect(box)
    x, y = max(0, x), max(0, y)
    patch = gray[y : y + h, x : x + w]
    mask = np.zeros(patch.shape, np.uint8)
    cv2.fillConvexPoly(mask, box - [x, y], 1)
    values = patch[mask > 0]
    if values.size < 16:
        return True
    t, _ = cv2.threshold(values.reshape(1, -1), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return float((values > t).mean()) >= 0.5


def _resolve(gray: np.ndarray, lines: list[Line]) -> list[Line]:
    """Keep lines whose polarity agrees with an Otsu split of their surroundings (the
    minority is the ink); where lines of opposite polarity still overlap, keep the one
    the smaller box's split agrees with. The others are gaps between letters or lines."""
    lines = [ln for ln in lines if ink_is_dark(gray, _rect(ln, grow=0.3)) == ln.dark]
    rects = [_rect(ln) for ln in lines]
    areas = [max(1.0, r[1][0] * r[1][1]) for r in rects]
    drop: set[int] = set()
    for i, a in enumerate(lines):
        for j in range(i + 1, len(lines)):
            b = lines[j]
            if a.dark == b.dark or i in drop or j in drop:
                continue
            ab, bb = a.box, b.box
            if ab[0] >= bb[2] or bb[0] >= ab[2] or ab[1] >= bb[3] or bb[1] >= ab[3]:
                continue
            kind, region = cv2.rotatedRectangleIntersection(rects[i], rects[j])
            if kind == cv2.INTERSECT_NONE or region is None:
                continue
            inter = cv2.contourArea(region)
            if inter < 0.3 * min(areas[i], areas[j]):
                continue
            dark = ink_is_dark(gray, rects[i] if areas[i] <= areas[j] else rects[j])
            loser = j if a.dark == dark else i
            drop.add(loser)
    return [ln for k, ln in enumerate(lines) if k not in drop]


@dataclass
class _Row:
    top: int
    bottom: int
    to_source: np.ndarray  # 3x3: row-image pixels -> source-image pixels
    height: float  # text height on the page


class LinePage:
    """Line images stacked on one white page, each remembering its way back to the frame."""

    def __init__(
        self, text_height: int = 30, sharpen: float = 1.0, gap: int = 18, margin: int = 16
    ):
        self.text_height, self.sharpen, self.gap, self.margin = text_height, sharpen, gap, margin
        self.images: list[np.ndarray] = []
        self.rows: list[_Row] = []
        self.y = gap

    def add(self, gray: np.ndarray, line: Line, to_search: np.ndarray | None = None) -> None:
        """Cut `line` (found in a searched image that `gray`'s pixels map to by the 3x3
        `to_search`, identity when None) out of `gray`, the image the hits refer to."""
        scale = self.text_height / max(1.0, line.height)
        pad = 0.35 * line.height
        centre = line.points.mean(axis=0)
        rot = cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), line.angle, 1.0)
        pts = cv2.transform(line.points.reshape(-1, 1, 2), rot).reshape(-1, 2)
        lo, hi = pts.min(axis=0) - pad, pts.max(axis=0) + pad
        width = int(np.ceil((hi[0] - lo[0]) * scale))
        height = int(np.ceil((hi[1] - lo[1]) * scale))
        if width < 4 or height < 4 or width > 6000:
            return
        # searched image -> row: rotate, shift to the crop's corner, scale
        a = np.vstack([rot, [0, 0, 1]])
        a = np.array([[scale, 0, -lo[0] * scale], [0, scale, -lo[1] * scale], [0, 0, 1]]) @ a
        if to_search is not None:
            a = a @ to_search
        crop = cv2.warpPerspective(
            gray, a, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
        )
        if not line.dark:
            crop = 255 - crop
        lo_v, hi_v = np.percentile(crop, (3, 97))
        if hi_v - lo_v >= 8:
            crop = np.clip((crop.astype(np.float32) - lo_v) * 255 / (hi_v - lo_v), 0, 255)
        self.images.append(crop.astype(np.uint8))
        self.rows.append(_Row(self.y, self.y + height, np.linalg.inv(a), self.text_height))
        self.y += height + self.gap

    def render(self, sharpen: float = 1.0) -> np.ndarray:
        """The page, each line sharpened by `sharpen` (unsharp mask: upscaled blurred
        strokes get their edges back)."""
        amount = sharpen
        width = max((im.shape[1] for im in self.images), default=8) + 2 * self.margin
        page = np.full((self.y, width), 255, np.uint8)
        for im, row in zip(self.images, self.rows, strict=True):
            if amount > 0:
                crop = im.astype(np.float32)
                soft = cv2.GaussianBlur(crop, (0, 0), 0.08 * self.text_height)
                im = np.clip(crop + amount * (crop - soft), 0, 255).astype(np.uint8)
            page[row.top : row.bottom, self.margin : self.margin + im.shape[1]] = im
        return page

    def read(
        self,
        readers: Sequence[TesseractOcr],
        engine: str,
        psm: int = 6,
        keep: float = 0.3,
        weak: float = 0.1,
        sharpen: Sequence[float] = (1.0,),
    ) -> list[TextHit]:
        """One Tesseract call per reader (e.g. one per script) and sharpening amount for
        every line; per row the reading with the best confidence wins; one hit per run of
        words in a row. A run is kept when one of its words reaches `keep`; words under
        `weak` are left out."""
        if not self.rows:
            return []
        best: dict[int, tuple[float, list[Word]]] = {}
        for amount in sharpen:
            page = self.render(amount)
            for tess in readers:
                for k, words in self._rows(tess.words(page, psm)).items():
                    chars = sum(len(w.text) for w in words)
                    score = sum(w.conf * len(w.text) for w in words) / max(1, chars)
                    if k not in best or score > best[k][0]:
                        best[k] = (score, words)
        hits = []
        for k, (_, words) in sorted(best.items()):
            words.sort(key=lambda w: w.box[0])
            runs: list[list[Word]] = [[]]
            for word in words:
                if runs[-1] and word.box[0] - runs[-1][-1].box[2] > 1.6 * self.text_height:
                    runs.append([])
                runs[-1].append(word)
            for run in runs:
                if run and max(w.conf for w in run) >= keep:
                    hits.append(self._hit([w for w in run if w.conf >= weak], self.rows[k], engine))
        return hits

    def _rows(self, words: list[Word]) -> dict[int, list[Word]]:
        per_row: dict[int, list[Word]] = {}
        tops = np.array([r.top - self.gap / 2 for r in self.rows])
        for word in words:
            cy = (word.box[1] + word.box[3]) / 2
            k = int(np.searchsorted(tops, cy, side="right")) - 1
            if 0 <= k < len(self.rows) and cy <= self.rows[k].bottom + self.gap / 2:
                per_row.setdefault(k, []).append(word)
        return per_row

    def _hit(self, run: list[Word], row: _Row, engine: str) -> TextHit:
        x0 = min(w.box[0] for w in run) - self.margin
        x1 = max(w.box[2] for w in run) - self.margin
        y0 = min(w.box[1] for w in run) - row.top
        y1 = max(w.box[3] for w in run) - row.top
        corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32).reshape(-1, 1, 2)
        q = cv2.perspectiveTransform(corners, row.to_source).reshape(4, 2)
        quad = quad_of((round(float(x), 1), round(float(y), 1)) for x, y in q)
        bbox = (
            int(np.floor(q[:, 0].min())),
            int(np.floor(q[:, 1].min())),
            int(np.ceil(q[:, 0].max())),
            int(np.ceil(q[:, 1].max())),
        )
        text = repair_scripts(" ".join(w.text for w in run))
        conf = round(sum(w.conf for w in run) / len(run), 4)
        return TextHit(text, bbox, conf, engine, quad)
