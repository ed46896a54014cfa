"""Findings: every observation with its crop; filter, select, confirm, reject, correct,
and cite a confirmed one in the graph. Logic lives in workbench.app.findings_table."""

from __future__ import annotations

import hashlib

import streamlit as st

from workbench.app import finding_crops, state
from workbench.app import findings_table as ft
from workbench.errors import WorkbenchError
from workbench.publish.safe import md

ALL = "(all)"
PAGE = "findings_page"
PAGE_SIZE = "findings_page_size"
SEEN = "findings_seen"  # id -> the status this page last showed (decisions are made against it)


def first_page() -> None:
    st.session_state[PAGE] = 1


case = state.open_case()
try:
    who = state.reviewer()
    seen: dict[int, str] = dict(st.session_state.get(SEEN, {}))  # what the reviewer saw
    st.title("Findings")
    state.show_message("findings")

    with st.expander("Search every video (OCR text, notes, labels, vendors)"):
        words = st.text_input(
            "search", key="findings_search", help="look-alike Cyrillic and Latin letters match"
        )
        hits = ft.search(case, words) if words.strip() else []
        if words.strip() and not hits:
            st.info("Nothing matches.")
        if hits:
            st.dataframe(ft.hits_table(hits), hide_index=True, width="stretch")
            by_id = {h.observation.id: h.observation for h in hits}
            go = st.selectbox(
                "open",
                list(by_id),
                format_func=lambda i: f"#{i} on frame {by_id[i].frame_index}",
                key="findings_search_pick",
            )
            if st.button("Open at its frame", key="findings_search_open"):
                st.session_state.update(ft.review_state(by_id[int(go)]))
                st.switch_page("views/review.py")

    options = ft.filter_options(case)
    cols = st.columns(5)
    picked = {
        name: cols[i].selectbox(
            name, [ALL, *options[name]], key=f"findings_filter_{name}", on_change=first_page
        )
        for i, name in enumerate(("kind", "vendor", "status", "video", "media"))
    }
    filters = ft.Filters(**{k: (None if v == ALL else v) for k, v in picked.items()})
    found = ft.observations(case, filters)

    size_col, page_col, count_col = st.columns([1, 1, 4])
    size = size_col.selectbox(
        "page size",
        ft.PAGE_SIZES,
        index=ft.PAGE_SIZES.index(ft.DEFAULT_PAGE_SIZE),
        key=PAGE_SIZE,
        on_change=first_page,
    )
    pages = ft.page_count(len(found), int(size))
    if st.session_state.get(PAGE, 1) > pages:  # fewer rows than before (a filter, a review)
        st.session_state[PAGE] = pages
    number = page_col.number_input("page", min_value=1, max_value=pages, step=1, key=PAGE)
    # only this page's rows, and their crops, are built
    shown = ft.page(case, found, int(number), int(size))
    table = shown.table
    count_col.caption(f"{shown.caption} (page {shown.number} of {shown.pages})")

    suffix = hashlib.sha256(repr((filters, shown.number, shown.size)).encode()).hexdigest()[:8]
    editor_key = f"findings_editor-{state.round_of('findings')}-{suffix}"
    edited = st.data_editor(
        table,
        key=editor_key,
        hide_index=True,
        width="stretch",
        disabled=[c for c in ft.COLUMNS if c != ft.SELECT],
        column_config={
            ft.SELECT: st.column_config.CheckboxColumn(ft.SELECT, default=False),
            "crop": st.column_config.ImageColumn("crop", width="medium"),
            "score": st.column_config.NumberColumn("score", format="%.2f"),
            "time_s": st.column_config.NumberColumn("time_s", format="%.3f"),
        },
    )
    chosen = ft.selected_ids(edited)
    showing = {int(r["id"]): str(r["status"]) for r in table.to_dict("records")}
    st.session_state[SEEN] = {**seen, **showing}
    left, right, _ = st.columns([1, 1, 4])
    confirm = left.button("Confirm selected", key="confirm_selected", disabled=not chosen)
    reject = right.button("Reject selected", key="reject_selected", disabled=not chosen)
    if confirm or reject:
        status = "confirmed" if confirm else "rejected"
        try:
            ft.review_ids(case, chosen, status, who, seen=seen)
        except WorkbenchError as exc:
            st.error(md(exc))
        else:
            state.done("findings", f"{len(chosen)} observation(s) {status} by {md(who)}.")

    st.divider()
    st.subheader("One finding")
    ids = [int(i) for i in table["id"]]
    if not ids:
        st.info("No observation matches these filters.")
        st.stop()
    rows = {int(r["id"]): r for r in table.to_dict("records")}
    # the chosen finding is kept by id: the list's labels change with a finding's status,
    # and a reset to the first finding after each confirmation would be a trap
    kept = st.session_state.get("findings_one_id")
    names = {
        i: f"#{i} {r['kind']} [{r['status']}] {r['text'] or r['label'] or ''}"[:120]
        for i, r in rows.items()
    }
    # a new picker whenever a label changes: the browser keeps the text of the option
    # once chosen, so a reused one would still say "[suggested]" with the old text
    labels_digest = hashlib.sha256(repr(sorted(names.items())).encode()).hexdigest()[:8]
    oid = st.selectbox(
        "finding",
        ids,
        index=ids.index(kept) if kept in ids else 0,
        key=f"findings_one-{labels_digest}",
        format_func=names.__getitem__,
    )
    st.session_state["findings_one_id"] = int(oid)
    current = ft.get(case, int(oid))
    if current is None:
        st.stop()
    pic, facts = st.columns([1, 2])
    crop = finding_crops.crop_bytes(case, current)
    if crop:
        pic.image(crop, caption=f"crop of #{oid}")
    facts.table({"": ft.describe(current)})

    saw = seen.get(int(oid), current.status)
    st.session_state[SEEN] = {**st.session_state[SEEN], int(oid): current.status}
    one_left, one_right, one_undo, one_open, _ = st.columns([1, 1, 1.4, 1.4, 2])
    undo_label = "Withdraw note" if current.kind == "manual" else "Back to suggested"
    if one_undo.button(undo_label, key="undo_one", disabled=current.status == "suggested"):
        try:
            ft.undo_one(case, int(oid), who, seen=saw)
        except WorkbenchError as exc:
            st.error(md(exc))
        else:
            state.done("findings", f"#{oid}: {undo_label.lower()} by {md(who)}.")
    if one_open.button("Open at its frame", key="open_one"):
        st.session_state.update(ft.review_state(current))
        st.switch_page("views/review.py")
    for col, status, label in (
        (one_left, "confirmed", "Confirm"),
        (one_right, "rejected", "Reject"),
    ):
        if col.button(label, key=f"{label.lower()}_one"):
            try:
                ft.review_ids(case, [oid], status, who, seen={int(oid): saw})
            except WorkbenchError as exc:
                st.error(md(exc))
            else:
                state.done("findings", f"#{oid} {status} by {md(who)}.")

    with st.form(f"correct-{oid}"):
        st.markdown("**Correct** what the software read (recorded with who and when)")
        text = st.text_input("text", value=current.text or "", key=f"correct_text_{oid}")
        label = st.text_input("label", value=current.label or "", key=f"correct_label_{oid}")
        vendor = st.text_input("vendor", value=current.vendor or "", key=f"correct_vendor_{oid}")
        also = st.checkbox("confirm it as corrected", value=True, key=f"correct_confirm_{oid}")
        if st.form_submit_button("Save correction"):
            try:
                ft.correct_one(case, oid, who, text, label, vendor, confirm=also, seen=saw)
            except WorkbenchError as exc:
                st.error(md(exc))
            else:
                state.done("findings", f"#{oid} corrected by {md(who)}.")

    st.markdown("**Cite it in the graph** (only confirmed findings count as evidence)")
    how = st.radio(
        "as",
        ["evidence of a relation", "appears in (entity → site)"],
        horizontal=True,
        key="findings_link_how",
    )
    if how == "evidence of a relation":
        relations = dict(ft.relation_choices(case))
        with st.form("link_relation"):
            rid = st.selectbox(
                "relation", list(relations), format_func=lambda r: relations[r], key="link_rel"
            )
            note = st.text_input("note", key="link_rel_note")
            if st.form_submit_button("Add as evidence", disabled=not relations):
                try:
                    ft.link_to_relation(case, who, oid, int(rid), note)
                except WorkbenchError as exc:
                    st.error(md(exc))
                else:
                    state.done("findings", f"#{oid} now supports relation {rid}.")
    else:
        entities = ft.entity_choices(case, ("product", "organisation"))
        sites = ft.entity_choices(case, ("site",))
        with st.form("link_appears"):
            ent = st.selectbox(
                "entity (product or organisation)",
                list(entities),
                format_func=lambda k: entities[k],
                key="link_entity",
            )
            site = st.selectbox(
                "site", list(sites), format_func=lambda k: sites[k], key="link_site"
            )
            if st.form_submit_button("Link", disabled=not (ent and site)):
                try:
                    rid = ft.link_appears_in(case, who, oid, str(ent), str(site))
                except WorkbenchError as exc:
                    st.error(md(exc))
                else:
                    state.done("findings", f"#{oid} now supports relation {rid} (appears_in).")
finally:
    case.close()
