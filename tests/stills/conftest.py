"""Stills and documents made in code: a brochure PDF (text layer in Latin, Cyrillic and
Kazakh, a capability sentence, and a scanned page), a JPEG photograph with EXIF GPS and
a face (scikit-image's astronaut), a screenshot-like PNG of a post, and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.synth_docs import TextLine, social_post, text_image, write_pdf

BROCHURE_LINES = (
    TextLine(0.1, 0.08, "Hikvision DS-2CD2T47 smart camera", 16),
    TextLine(0.1, 0.16, "Хиквижн — официальный дистрибьютор в Казахстане", 13),
    TextLine(0.1, 0.22, "Сергек жүйесі: Қазақстан қалаларына арналған", 13),
    TextLine(0.1, 0.30, "Real-time face recognition against watchlists", 14),
)
SCANNED_LINES = ("DAHUA TECHNOLOGY", "Traffic camera ITC237")


@pytest.fixture(scope="session")
def docs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("docs")


@pytest.fixture(scope="session")
def brochure(docs_dir: Path) -> Path:
    """Page 1: a text layer; page 2: a scan (a picture of text, no text layer)."""
    scan = text_image(SCANNED_LINES, (1240, 1754), px=64)
    return write_pdf(docs_dir / "brochure.pdf", [BROCHURE_LINES, scan])


@pytest.fixture(scope="session")
def photo(docs_dir: Path) -> Path:
    """A real photograph of a person (scikit-image), with camera and GPS in its EXIF."""
    from PIL import Image
    from PIL.ExifTags import IFD
    from skimage import data

    img = Image.fromarray(data.astronaut())
    exif = Image.Exif()
    exif[0x010F] = "FictionalCam"  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x0132] = "2025:11:17 10:30:00"  # DateTime
    gps = exif.get_ifd(IFD.GPSInfo)
    gps.update({1: "N", 2: (43.0, 14.0, 17.0), 3: "E", 4: (76.0, 53.0, 0.0)})
    path = docs_dir / "control-room.jpg"
    img.save(path, exif=exif, quality=90)
    return path


@pytest.fixture(scope="session")
def post(docs_dir: Path) -> Path:
    from skimage import data

    return social_post(
        docs_dir / "post.png",
        "Fictional Integrator LLP",
        ["Our team installed Hikvision cameras", "at the Almaty situation centre."],
        data.coffee()[::4, ::4],
    )


@pytest.fixture(scope="session")
def bad_files(docs_dir: Path, photo: Path, brochure: Path) -> dict[str, Path]:
    import pypdfium2 as pdfium
    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    out = {}
    writer = PdfWriter(clone_from=PdfReader(brochure))
    writer.encrypt("secret", algorithm="AES-128")
    out["encrypted"] = docs_dir / "encrypted.pdf"
    with open(out["encrypted"], "wb") as fh:
        writer.write(fh)
    for name, count, side in (("many-pages", 1001, 72.0), ("huge-page", 1, 20_000.0)):
        doc = pdfium.PdfDocument.new()
        for _ in range(count):
            doc.new_page(side, side)
        out[name] = docs_dir / f"{name}.pdf"
        doc.save(str(out[name]))
        doc.close()
    out["wide"] = docs_dir / "wide.png"
    Image.new("1", (100_000, 8)).save(out["wide"])
    data = photo.read_bytes()
    out["truncated"] = docs_dir / "truncated.jpg"
    out["truncated"].write_bytes(data[: len(data) * 6 // 10])
    out["not-an-image"] = docs_dir / "notes.jpg"
    out["not-an-image"].write_bytes(b"\xff\xd8\xff" + b"this is not a JPEG" * 10)
    return out


@pytest.fixture(scope="session")
def heic(docs_dir: Path) -> Path:
    """An iPhone-style HEIC photograph (encoded by pillow-heif's libheif)."""
    import pillow_heif
    from PIL import Image
    from skimage import data

    pillow_heif.register_heif_opener()
    path = docs_dir / "phone.heic"
    Image.fromarray(data.chelsea()[::2, ::2]).save(path, quality=70)
    return path
