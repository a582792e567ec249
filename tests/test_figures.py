import pytest

from hpcpar.figures import save_png

matplotlib = pytest.importorskip("matplotlib")


def _figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 2))
    FigureCanvasAgg(fig)
    fig.add_subplot().plot([0, 1], [1, 0])
    return fig


def test_save_png_writes_a_png(tmp_path):
    path = save_png(_figure(), tmp_path / "sub" / "a.png", dpi=50)
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert [p.name for p in path.parent.iterdir()] == ["a.png"]


def test_failed_drawing_leaves_no_file(tmp_path):
    fig = _figure()
    fig.text(0.5, 0.5, r"$\frac{$")  # malformed mathtext: fails while drawing
    with pytest.raises(ValueError):
        save_png(fig, tmp_path / "a.png")
    assert list(tmp_path.iterdir()) == []
