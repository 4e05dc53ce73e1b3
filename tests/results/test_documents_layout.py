"""How the per-flat table is drawn (R-RES-1, R-RES-2): the grid is one raster tile embedded once in
the PDF whatever the number of rows, and the per-flat .xlsx dates every voted flat's "cast at" cell."""

from __future__ import annotations

import base64
from io import BytesIO

import pytest
from PIL import Image

from ownervote.results import documents
from ownervote.results.models import Result
from tests.results.test_documents import _pages, _text, generated  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_grid_tile_is_a_png_of_one_line_with_the_column_separators():
    grid = documents.Grid(header="", lines=["x"], edges=[4, 10], width=20, font_pt=8.0, line_pt=12.0)
    uri = grid.grid_uri
    assert uri.startswith("data:image/png;base64,")
    tile = Image.open(BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    dpi = documents.GRID_DPI
    assert tile.size == (round(20 * 4 / 72 * dpi), round(12 / 72 * dpi))
    _grey, alpha = tile.convert("LA").split()
    assert alpha.getpixel((1, tile.size[1] - 1)) == 255  # the line under the row
    assert alpha.getpixel((1, tile.size[1] // 2)) == 0  # no line across the text
    assert alpha.getpixel((round(4 * 4 / 72 * dpi), tile.size[1] // 2)) == 255  # a column separator
    assert grid.grid_size == "80.00pt 12.00pt"


def test_flats_html_draws_the_grid_with_the_raster_tile(generated):  # noqa: F811
    html = documents.flats_html(generated["result"])
    assert html.count("data:image/png;base64,") == 1 and "image/svg" not in html
    assert "background-size: " in html


def test_flats_xlsx_dates_the_cast_at_of_every_voted_flat(generated):  # noqa: F811
    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(documents.flats_xlsx(generated["result"]))).worksheets[0]
    voted = {documents.channel_label("electronic"), documents.channel_label("paper")}
    rows = [row for row in ws.iter_rows() if row[4].value in voted]
    assert len(rows) == 2
    assert all(row[5].number_format == "yyyy-mm-dd hh:mm" for row in rows)


def test_a_602_flat_estate_fits_the_per_flat_table_on_twelve_pages(generated, tmp_path):  # noqa: F811 R-RES-2
    """Issue 22 item 10: the demo's 602 flats took 16 pages of 24-odd rows. The table is denser
    (smaller rows, short unbreakable chunks) yet keeps its header row and the footer on every page,
    and rows stay in the flats' natural order."""
    r = generated["result"]
    content = dict(r.content)
    voted, not_voted = content["flats"][0], content["flats"][-1]
    assert voted["channel"] and not not_voted["channel"]
    content["flats"] = [
        {
            **(voted if i % 3 else not_voted),
            "building": f"{i // 120 + 1}栋",
            "room": f"{(i % 120) // 4 + 2}{i % 4 + 1:02d}",
        }
        for i in range(602)
    ]
    big = Result(number=r.number, content=content, digest=r.digest)
    pdf = documents.flats_pdf(big)
    pages = _pages(pdf, tmp_path)
    assert pages <= 12, pages
    grid = documents.flats_grid(content)
    assert grid.font_pt >= 6.5  # legible when printed
    header = "".join(grid.header.split())
    for page in range(1, pages + 1):
        lines = _text(pdf, tmp_path, page=page, layout=True).splitlines()
        assert any(r.digest[:16] in line for line in lines), page
        if any("栋-" in line for line in lines):  # a table page (the last may hold only the signatures)
            assert header in lines, page
    text = _text(pdf, tmp_path)
    assert text.index("1栋-201") < text.index("1栋-3101") < text.index("2栋-201")
