"""Untrusted strings stay text; the bundle loads nothing; zips unpack only inside."""

from __future__ import annotations

import stat
import warnings
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.publish.conftest import (
    HOSTILE_OCR,
    HOSTILE_PAGE,
    HOSTILE_TITLE,
    HOSTILE_UPLOADER,
    Published,
)
from workbench.publish.archive import safe_extract, zip_bundle
from workbench.publish.errors import UnsafeArchiveError
from workbench.publish.manifest import verify_bundle
from workbench.publish.safe import h, link, md, md_link, safe_url, scrub

URL_ATTRS = ("href", "src", "action", "formaction", "srcset", "poster", "data", "xlink:href")


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(text)
    return parser.tags


def _check_page(text: str, bundle: Path, allow_script: bool = False) -> None:
    for tag, attrs in _tags(text):
        assert allow_script or tag not in ("script", "iframe", "object", "embed", "base")
        assert tag not in ("link", "iframe", "object", "embed", "base", "form")
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name not in URL_ATTRS or value is None:
                continue
            if value.startswith("#"):
                continue
            if value.startswith(("https://", "http://")):
                assert tag == "a", (tag, value)  # a link to follow, never a resource to load
                continue
            assert ":" not in value and not value.startswith("/"), (tag, value)
            assert (bundle / value).is_file(), value


def test_index_html_escapes_every_hostile_string_and_loads_nothing(published: Published) -> None:
    text = (published.out / "index.html").read_text()
    _check_page(text, published.out)
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    for raw in (HOSTILE_TITLE, HOSTILE_UPLOADER, HOSTILE_OCR, "<b>Systems</b>", "<centre>"):
        assert raw not in text
    assert h(HOSTILE_TITLE) in text
    assert h(HOSTILE_UPLOADER) in text
    assert h(HOSTILE_OCR) in text
    assert "javascript:" not in [a.get("href", "")[:11] for _, a in _tags(text)]
    assert h(HOSTILE_PAGE) in text  # shown as text, not as a link


def test_the_interactive_graph_is_offline_too(published: Published) -> None:
    text = (published.out / "graph.html").read_text()
    _check_page(text, published.out, allow_script=True)
    assert "default-src 'none'" in text
    assert "<b>Systems</b>" not in text.split("graph-data")[0]


def test_report_md_stays_text_when_rendered(published: Published) -> None:
    from markdown_it import MarkdownIt

    md_text = (published.out / "report.md").read_text()
    rendered = MarkdownIt("commonmark").render(md_text)  # raw HTML passes through here
    _check_page(rendered, published.out)
    assert "<script" not in rendered
    assert "javascript:" not in " ".join(a.get("href") or "" for _, a in _tags(rendered))


def test_escaping_helpers() -> None:
    assert h('"><script>') == "&quot;&gt;&lt;script&gt;"
    assert h("it's") == "it&#x27;s"
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt:x",
        " javascript:x",
        "data:text/html,x",
        "vbscript:x",
        "file:///etc/passwd",
        "//evil.example/x",
        "http://",
        "https://a b",
        "http://x\n.y",
        None,
        42,
    ):
        assert safe_url(bad) is None, bad
        assert "href" not in link(bad)
        assert "](" not in md_link(bad)
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert link('https://e.org/"x') == (
        '<a href="https://e.org/&quot;x" rel="noopener noreferrer nofollow">'
        "https://e.org/&quot;x</a>"
    )
    assert md("[x](javascript:y) <b>") == "\\[x\\]\\(javascript:y\\) &lt;b&gt;"
    assert md('the frame\'s "index" & <i>') == 'the frame\'s "index" &amp; &lt;i&gt;'
    assert scrub(
        {"p": "/home/someone/logos/a.png", "w": "C:\\Users\\x\\b.png", "u": "https://e/x"}
    ) == {"p": "a.png", "w": "b.png", "u": "https://e/x"}


def test_the_zip_holds_relative_paths_and_verifies(published: Published, tmp_path: Path) -> None:
    zpath = published.result.zip_path
    assert zpath == published.out.with_name("bundle.zip")
    with zipfile.ZipFile(zpath) as zf:
        names = zf.namelist()
        for info in zf.infolist():
            assert not stat.S_ISLNK(info.external_attr >> 16)
    assert names and all(n.startswith("bundle/") and ".." not in n.split("/") for n in names)
    files = safe_extract(zpath, tmp_path / "x")
    assert all(f.is_relative_to((tmp_path / "x").resolve()) for f in files)
    assert verify_bundle(tmp_path / "x" / "bundle").ok


def _hostile_zip(path: Path, name: str, *, link: bool = False, data: bytes = b"x") -> Path:
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w") as zf:
        warnings.simplefilter("ignore")  # the duplicate name is the point
        zf.writestr("bundle/index.html", "ok")
        info = zipfile.ZipInfo(name)
        if link:
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, data)
    return path


@pytest.mark.parametrize(
    ("name", "is_link"),
    [
        ("../evil.txt", False),
        ("bundle/../../evil.txt", False),
        ("/tmp/evil.txt", False),
        ("C:/evil.txt", False),
        ("bundle\\..\\..\\evil.txt", False),
        ("bundle/link", True),
        ("bundle/index.html", False),  # a second entry with the same name
    ],
)
def test_a_hostile_zip_is_refused_whole(tmp_path: Path, name: str, is_link: bool) -> None:
    archive = _hostile_zip(tmp_path / "evil.zip", name, link=is_link, data=b"/etc/passwd")
    dest = tmp_path / "out" / "dest"
    with pytest.raises(UnsafeArchiveError):
        safe_extract(archive, dest)
    assert not dest.exists()  # nothing was written, not even the harmless entry
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "out" / "evil.txt").exists()


def test_zip_bundle_leaves_out_links(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    (folder / "l").symlink_to("/etc/hostname")
    zpath = zip_bundle(folder, tmp_path / "b.zip")
    with zipfile.ZipFile(zpath) as zf:
        assert zf.namelist() == ["b/a.txt"]
