"""Find it everywhere: a box on a frame becomes a reference, matched in every video.

    ref, _ = make_reference(case, video, index, XYWH(x, y, w, h), by="ana")   # make.py
    result = find_everywhere(case, ref.id)                                      # match.py

Each match is a suggestion citing its reference; a reference made from a confirmed
interface finding is also the case's own interface signature (signatures.py).
"""
