import pytest

import tconvlib as tc


def test_table_text_and_html_agree():
    t = tc.Table(["kernel", "nnz"], [["(1, 2, 3)", 36], ["(0, 1, 0)", 6]], caption="inverse")
    text = str(t).splitlines()
    assert text[0] == "inverse" and text[1].split() == ["kernel", "nnz"]
    assert text[2].endswith("36") and text[3].endswith(" 6")          # numbers right-aligned
    html = t._repr_html_()
    assert html.count("<tr>") == 3 and "<caption" in html
    assert html.index("(1, 2, 3)") < html.index("(0, 1, 0)")
    assert 'text-align:right">36<' in html and 'text-align:left">(1, 2, 3)<' in html


def test_table_escapes_html():
    html = tc.Table(["a<b"], [["x & y"]])._repr_html_()
    assert "a&lt;b" in html and "x &amp; y" in html


@pytest.mark.parametrize("kwargs, match", [
    (dict(columns=[], rows=[]), "columns"),
    (dict(columns=["a", "b"], rows=[[1]]), r"rows\[0\] has 1"),
    (dict(columns=["a"], rows=[[1]], align="x"), "align"),
    (dict(columns=["a"], rows=[[1]], align="lr"), "align"),
])
def test_table_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tc.Table(**kwargs)
