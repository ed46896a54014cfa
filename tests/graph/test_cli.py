"""The `graph` command group, run as `workbench graph …` would run it."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from tests.graph.conftest import VIDEO_SHA, add_observation, add_video, write
from tests.helpers import snapshot
from workbench.case import Case
from workbench.cli.graph import graph

PROCUREMENT = (
    "Заказчик,Поставщик,supplier_country,amount,currency,date,url\n"
    "ГУ «Департамент полиции г. Алматы»,ТОО «Сергек Групп»,kz,1000,KZT,2021,https://a.kz/1\n"
    "ТОО «Сергек Групп»,Zhejiang Dahua Technology Co. Ltd.,cn,50,USD,2020,https://a.kz/2\n"
)


def run(*args: object) -> Result:
    return CliRunner().invoke(
        graph, [str(a) for a in args], catch_exceptions=False, env={"WORKBENCH_USER": "cli-user"}
    )


@pytest.fixture()
def case_dir(tmp_path: Path) -> Path:
    Case.init(tmp_path / "case", "CLI case").close()
    return tmp_path / "case"


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    out = []
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out += _commands(cmd, f"{prefix}{name} ")
        else:
            out.append(f"{prefix}{name}")
    return out


@pytest.mark.parametrize("command", _commands(graph))
def test_every_command_has_help(command: str) -> None:
    result = run(*command.split(), "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_import_query_export(case_dir: Path, tmp_path: Path) -> None:
    result = run(
        "import", case_dir, write(tmp_path / "p.csv", PROCUREMENT), "--kind", "procurement"
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("import 1: 2 of 2 rows (utf-8)")
    result = run(
        "query", case_dir, "suppliers", "Sergek Group LLP", "--by-country", "--format", "json"
    )
    rows = json.loads(result.output)
    assert [(r["country"], r["suppliers"]) for r in rows] == [("cn", 1)]
    out = tmp_path / "g.graphml"
    result = run("export", case_dir, "--format", "graphml", "-o", out)
    assert result.exit_code == 0 and out.exists()
    assert "3 entities, 2 relations" in result.output
    result = run("export", case_dir, "--format", "ftm", "-o", tmp_path / "g.ftm")
    assert "UnknownLink" in result.output and "ContractAward" in result.output
    with Case.open(case_dir) as c:
        actors = {
            r[0] for r in c.conn.execute("SELECT actor FROM audit WHERE action LIKE 'graph.%'")
        }
    assert actors == {"cli-user"}


def test_bad_rows_give_one_sentence_and_change_nothing(case_dir: Path, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.csv", "buyer,supplier,amount,currency\nA,B,lots,KZT\n")
    before = snapshot(case_dir)
    result = CliRunner().invoke(graph, ["import", str(case_dir), str(bad), "--kind", "procurement"])
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: 1 of 1 rows of bad.csv are malformed") and "row 2" in line
    assert snapshot(case_dir) == before
    result = run("import", case_dir, bad, "--kind", "procurement", "--skip-bad", "--json")
    assert json.loads(result.output.split("\nskipped")[0])["rows_imported"] == 0


def test_entities_relations_evidence_merges(case_dir: Path, tmp_path: Path) -> None:
    assert (
        run(
            "entity",
            "add",
            case_dir,
            "organisation",
            "АО «Казахтелеком»",
            "--identifier",
            "bin=940140000385",
            "--country",
            "kz",
        ).output.strip()
        == "org-ao-kazahtelekom"
    )
    assert run("entity", "add", case_dir, "organisation", "Kazakhtelecom JSC").exit_code == 0
    assert (
        run(
            "entity",
            "add",
            case_dir,
            "organisation",
            "Huawei",
            "--role",
            "vendor",
            "--country",
            "China",
        ).exit_code
        == 0
    )
    result = run("relation", "add", case_dir, "Huawei", "supplies", "940140000385")
    assert result.output.strip() == "1 (a hypothesis: no evidence yet)"
    copy = tmp_path / "contract.pdf"
    copy.write_bytes(b"%PDF contract")
    result = run("evidence", "add", case_dir, "1", "--file", copy, "--title", "Contract")
    assert result.exit_code == 0 and "document:" in result.output
    shown = json.loads(run("relation", "show", case_dir, "1").output)
    assert shown["hypothesis"] is False and shown["evidence"][0]["media_path"].startswith("media/")
    result = run(
        "merge", case_dir, "org-ao-kazahtelekom", "org-kazakhtelecom-jsc", "--reason", "same"
    )
    assert result.output.strip() == "merge 1: org-kazakhtelecom-jsc into org-ao-kazahtelekom"
    shown = json.loads(run("entity", "show", case_dir, "Kazakhtelecom JSC").output)
    assert shown["id"] == "org-ao-kazahtelekom"
    assert "undone" in run("unmerge", case_dir, "1").output
    assert (
        run(
            "entity",
            "set",
            case_dir,
            "Huawei",
            "--city",
            "Shenzhen",
            "--alias",
            "华为",
            "--identifier",
            "website=huawei.com",
        ).exit_code
        == 0
    )
    shown = json.loads(run("entity", "show", case_dir, "华为").output)
    assert shown["city"] == "Shenzhen"
    result = CliRunner().invoke(
        graph, ["relation", "add", str(case_dir), "Huawei", "made_by", "Huawei"]
    )
    assert result.exit_code == 1 and result.output.startswith("error: ")
    changes = json.loads(
        run("changes", case_dir, "--since", "2000-01-01", "--format", "json").output
    )
    assert [c["action"] for c in changes][-2:] == ["graph.entity.alias", "graph.entity.identifier"]


def test_propose_and_accept(case_dir: Path) -> None:
    with Case.open(case_dir) as c:
        add_video(c)
        add_observation(c, label="Dahua", vendor="Dahua")
    run("entity", "add", case_dir, "site", "ЦОУ Шымкент")
    run("entity", "add", case_dir, "organisation", "Dahua", "--country", "cn")
    assert run("link-video", case_dir, "ЦОУ Шымкент", VIDEO_SHA[:10]).exit_code == 0
    result = run("propose", case_dir, "--json")
    (proposal,) = json.loads(result.output)["proposals"]
    assert run("accept", case_dir, str(proposal["id"])).output.strip() == "1 accepted: relation 1"
    rows = json.loads(run("query", case_dir, "sites", "Dahua", "--format", "json").output)
    assert [(r["name"], r["relation"], r["strength"]) for r in rows] == [
        ("ЦОУ Шымкент", "appears_in", "observed")
    ]
    paths = json.loads(run("query", case_dir, "paths", "ЦОУ Шымкент", "--format", "json").output)
    assert paths[0]["strength"] == "observed"
    ev = json.loads(run("query", case_dir, "evidence", "rel-1", "--format", "json").output)
    assert ev[0]["video_sha256"] == VIDEO_SHA and ev[0]["bbox"] == [10, 20, 110, 60]
