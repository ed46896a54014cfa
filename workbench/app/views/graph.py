"""Graph: the interactive vendor graph, forms to add and edit entities, relations and
evidence, the queries, and exports. Logic lives in workbench.app.graph_ops."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from workbench.app import graph_footage as gf
from workbench.app import graph_ops as g
from workbench.app import state
from workbench.errors import WorkbenchError
from workbench.publish.safe import md

UNMATCHED = "graph_unmatched"  # what the last "Propose edges" found no entity for
NONE = "(none)"


def show(table: pd.DataFrame) -> None:
    """A plain table (its text in the page: readers, search) unless it is long."""
    if len(table) <= g.TABLE_MAX:
        st.table(table.astype(str))
    else:
        st.dataframe(table, hide_index=True, width="stretch")


def use_picked_entity() -> None:
    """The entity picked in the Queries tab becomes the question's subject."""
    picked = st.session_state.get("query_pick")
    if picked:
        st.session_state["query_subject"] = picked


case = state.open_case()
try:
    who = state.reviewer()
    st.title("Graph")
    state.show_message("graph")

    view_tab, edit_tab, footage_tab, query_tab, export_tab = st.tabs(
        ["View", "Entities and relations", "From footage", "Queries", "Export"]
    )

    with view_tab:
        # the offline page (data as escaped JSON, text written with textContent only),
        # as a data: URL so that it runs in an origin of its own
        st.iframe(g.html_data_uri(g.page_html(case)), height=640)
        st.markdown("**Entities**")
        st.dataframe(g.entities_table(case), hide_index=True, width="stretch")
        st.markdown("**Relations**")
        st.dataframe(g.edges_table(case), hide_index=True, width="stretch")

    with edit_tab:
        entities = g.entity_choices(case)
        relations = g.relation_choices(case)
        observed = g.confirmed_observations(case)

        st.subheader("Add an entity")
        kind = st.selectbox("kind", list(g.ENTITY_KINDS), key="entity_kind")
        with st.form("add_entity", clear_on_submit=True):
            name = st.text_input("name", key="entity_name")
            roles = list(g.ENTITY_KINDS[kind].roles)
            role = st.selectbox("role", [NONE, *roles], key="entity_role") if roles else NONE
            country = st.text_input("country (ISO code or name)", key="entity_country")
            city = st.text_input("city", key="entity_city")
            aliases = st.text_input("other spellings (separated by ;)", key="entity_aliases")
            public = st.checkbox("a public body", key="entity_public")
            if st.form_submit_button("Add entity"):
                try:
                    e = g.new_entity(
                        case,
                        who,
                        kind,
                        name,
                        role=None if role == NONE else role,
                        country=country,
                        city=city,
                        public=public,
                        aliases=[a.strip() for a in aliases.split(";") if a.strip()],
                    )
                except WorkbenchError as exc:
                    st.error(md(exc))
                else:
                    state.done("graph", f"Entity {md(e.id)} added.")

        st.subheader("Edit an entity")
        if entities:
            eid = st.selectbox(
                "entity", list(entities), format_func=lambda k: entities[k], key="edit_entity"
            )
            with st.form("edit_entity_form"):
                new_name = st.text_input("new name", key="edit_name")
                new_role = st.text_input("role", key="edit_role")
                new_country = st.text_input("country", key="edit_country")
                new_city = st.text_input("city", key="edit_city")
                alias = st.text_input("add a spelling", key="edit_alias")
                ident = st.text_input("add an identifier (SCHEME=VALUE)", key="edit_ident")
                if st.form_submit_button("Save entity"):
                    try:
                        g.edit_entity(
                            case,
                            who,
                            str(eid),
                            {
                                "name": new_name,
                                "role": new_role,
                                "country": new_country,
                                "city": new_city,
                            },
                            alias=alias,
                            identifier=ident,
                        )
                    except WorkbenchError as exc:
                        st.error(md(exc))
                    else:
                        state.done("graph", f"Entity {md(eid)} saved.")
        else:
            st.info("No entities yet.")

        st.subheader("Add a relation")
        with st.form("add_relation"):
            ids = list(entities)
            src = st.selectbox("source", ids, format_func=lambda k: entities[k], key="rel_source")
            rkind = st.selectbox(
                "relation",
                list(g.RELATION_KINDS),
                format_func=lambda k: f"{k}: {g.RELATION_KINDS[k].description}",
                key="rel_kind",
            )
            tgt = st.selectbox("target", ids, format_func=lambda k: entities[k], key="rel_target")
            start = st.text_input("from (2021, 2021-05, 2021-05-17)", key="rel_start")
            end = st.text_input("until", key="rel_end")
            confidence = st.slider("confidence", 0.0, 1.0, 0.5, 0.05, key="rel_confidence")
            obs = st.selectbox(
                "evidence: a confirmed observation",
                [None, *observed],
                format_func=lambda i: NONE if i is None else observed[i],
                key="rel_observation",
            )
            url = st.text_input("evidence: a web page URL", key="rel_url")
            if st.form_submit_button("Add relation", disabled=len(ids) < 2):
                try:
                    ev = g.evidence_from("observation", observation_id=obs) or g.evidence_from(
                        "url", url=url
                    )
                    r = g.new_relation(
                        case, who, str(src), rkind, str(tgt), start, end, confidence, ev
                    )
                except WorkbenchError as exc:
                    st.error(md(exc))
                else:
                    note = "" if ev else " (a hypothesis until evidence is added)"
                    state.done("graph", f"Relation {r.id} added{note}.")

        st.subheader("Attach evidence to a relation")
        if relations:
            ev_kind = st.radio(
                "kind of evidence",
                ["observation", "url", "document"],
                horizontal=True,
                key="ev_kind",
            )
            with st.form("attach_evidence", clear_on_submit=True):
                rid = st.selectbox(
                    "relation",
                    list(relations),
                    format_func=lambda k: relations[k],
                    key="ev_relation",
                )
                fields: dict = {}
                upload = None
                if ev_kind == "observation":
                    fields["observation_id"] = st.selectbox(
                        "confirmed observation",
                        list(observed),
                        format_func=lambda k: observed[k],
                        key="ev_observation",
                    )
                else:
                    fields["url"] = st.text_input("URL", key="ev_url")
                    fields["title"] = st.text_input("title", key="ev_title")
                    fields["retrieved_at"] = st.text_input(
                        "retrieved at (date)", key="ev_retrieved"
                    )
                    if ev_kind == "document":
                        upload = st.file_uploader("saved copy", key="ev_file")
                fields["note"] = st.text_input("note", key="ev_note")
                if st.form_submit_button("Attach evidence"):
                    try:
                        ev = g.evidence_from(ev_kind, **fields)
                        if ev is None:
                            raise WorkbenchError("Give the evidence first.")
                        saved = (upload.name, upload.getvalue()) if upload else None
                        added = g.attach(case, who, int(rid), ev, saved)
                    except WorkbenchError as exc:
                        st.error(md(exc))
                    else:
                        state.done("graph", f"Evidence {md(added.ref)} added to relation {rid}.")
        else:
            st.info("No relations yet.")

    with footage_tab:
        st.caption(
            "Link a video to the site where it was filmed; confirmed findings in it whose "
            "label or vendor names a product or organisation then propose that it appears "
            "at the site. Nothing enters the graph until you accept a proposal."
        )
        st.subheader("Videos filmed at a site")
        videos = gf.video_choices(case)
        sites = g.entity_choices(case, ("site",))
        with st.form("link_video"):
            video = st.selectbox(
                "video", list(videos), format_func=lambda k: videos[k], key="footage_video"
            )
            site = st.selectbox(
                "site", list(sites), format_func=lambda k: sites[k], key="footage_site"
            )
            note = st.text_input("note", key="footage_note")
            if st.form_submit_button("Link video", disabled=not (videos and sites)):
                try:
                    gf.link_site_video(case, who, str(site or ""), str(video or ""), note)
                except WorkbenchError as exc:
                    st.error(md(exc))
                else:
                    state.done("graph", f"Video {md(str(video)[:12])} linked to {md(site)}.")
        linked = gf.site_videos_table(case)
        if linked.empty:
            st.info("No video is linked to a site yet.")
        else:
            st.dataframe(linked, hide_index=True, width="stretch")

        st.subheader("Proposed edges")
        if st.button("Propose edges", key="footage_propose", disabled=linked.empty):
            try:
                result = gf.propose_edges(case, who)
            except WorkbenchError as exc:
                st.error(md(exc))
            else:
                st.session_state[UNMATCHED] = list(result.unmatched)
                state.done("graph", f"{len(result.proposals)} new proposal(s).")
        unmatched = st.session_state.pop(UNMATCHED, None)
        if unmatched:
            names = ", ".join(f"“{md(n)}”" for n in unmatched)
            st.info(f"No entity matches {names}; add one to propose its edges.")
        waiting = gf.open_proposals(case)
        if not waiting:
            st.info("No open proposals.")
        else:
            st.caption(f"{len(waiting)} open proposal(s)")
            show(gf.proposals_table(case, waiting))
            labels = {p.id: gf.proposal_label(case, p) for p in waiting}
            chosen = st.multiselect(
                "proposals to decide",
                list(labels),
                format_func=lambda k: labels[k],
                key=f"footage_pick-{state.round_of('graph')}",
            )
            left, right, _ = st.columns([1, 1, 4])
            accept = left.button("Accept selected", key="footage_accept", disabled=not chosen)
            reject = right.button("Reject selected", key="footage_reject", disabled=not chosen)
            if accept or reject:
                try:
                    decided = gf.decide_proposals(case, who, list(chosen), accept)
                except WorkbenchError as exc:
                    st.error(md(exc))
                else:
                    edges = sorted({p.relation_id for p in decided if p.relation_id})
                    into = f": relation(s) {', '.join(map(str, edges))}" if edges else ""
                    verb = "accepted" if accept else "rejected"
                    state.done("graph", f"{len(decided)} proposal(s) {verb} by {md(who)}{into}.")
        decided_rows = gf.decided_table(case)
        if not decided_rows.empty:
            with st.expander(f"Decided proposals ({len(decided_rows)})"):
                st.dataframe(decided_rows, hide_index=True, width="stretch")

    with query_tab:
        question = st.selectbox("question", list(g.QUESTIONS), key="query_question")
        named = g.entity_choices(case)
        st.selectbox(
            "pick an entity (fills in its id below)",
            [None, *named],
            format_func=lambda k: "…" if k is None else named[k],
            key="query_pick",
            on_change=use_picked_entity,
        )
        subject = st.text_input(g.SUBJECT_HELP[question], key="query_subject")
        by_country = max_hops = home = None
        if question == "suppliers":
            by_country = st.checkbox("count them per country", key="query_by_country")
        if question == "paths":
            max_hops = st.number_input("longest path", 1, 10, 4, key="query_hops")
            home = st.text_input("home country (not from here = foreign)", g.HOME, key="query_home")
        if st.button("Ask", key="query_run"):
            try:
                table = g.run_query(
                    case,
                    question,
                    subject,
                    by_country=bool(by_country),
                    max_hops=int(max_hops or 4),
                    home=home or g.HOME,
                )
            except WorkbenchError as exc:
                g.forget_answer(st.session_state)
                st.error(md(exc))
            else:
                g.keep_answer(st.session_state, case, question, subject, table)
        # the last answer stays (across reruns) until another question is asked
        answer = g.kept_answer(st.session_state, case)
        if answer is not None:
            st.caption(f"{md(answer.heading)}: {len(answer.table)} row(s)")
            show(answer.table)

    with export_tab:
        st.caption("Each export is written by the graph package and recorded in the audit log.")
        cols = st.columns(len(g.FORMATS))
        for col, fmt in zip(cols, g.FORMATS, strict=True):
            col.download_button(
                f"Export {fmt.upper()}",
                data=partial(g.export_bytes, str(case.root), who, fmt),
                file_name=g.FILE_NAMES[fmt],
                mime=g.MIME[fmt],
                key=f"export_{fmt}",
                on_click="ignore",
            )
finally:
    case.close()
