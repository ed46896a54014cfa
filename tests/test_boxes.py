"""Boxes have two spellings, XYXY (stored) and XYWH (typed and drawn), as named types."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.case.boxes import XYWH, XYXY


def test_the_two_spellings_convert_both_ways() -> None:
    typed = XYWH.parse(" 10, 20 ,30,40")
    assert typed == XYWH(10, 20, 30, 40)
    corners = typed.to_xyxy()
    assert corners == XYXY(10, 20, 40, 60) and (corners.width, corners.height) == (30, 40)
    assert corners.to_xywh() == typed
    x0, y0, x1, y1 = corners  # still unpacks like the tuple it replaces
    assert (x0, y0, x1, y1) == (10, 20, 40, 60)
    assert XYXY.of(np.array([1.4, 2.6, 9.5, 10.49], dtype=np.float32)) == XYXY(1, 3, 10, 10)


@pytest.mark.parametrize("text", ["", "1,2,3", "1,2,3,4,5", "a,b,c,d", "1;2;3;4", "5,5,0,10"])
def test_a_bad_box_is_one_sentence(text: str) -> None:
    with pytest.raises(ValueError, match="box") as err:
        XYWH.parse(text)
    assert "\n" not in str(err.value)


def test_annotate_refuses_a_box_with_no_area(tmp_path) -> None:
    from tests.helpers import run_cli

    case = tmp_path / "case"
    assert run_cli("case", "init", case, "--title", "t").exit_code == 0
    bad = run_cli("annotate", case, "abcdef", "--index", "0", "--box", "1,2,0,4", "--note", "x")
    assert bad.exit_code != 0
    assert "no area" in bad.stderr
