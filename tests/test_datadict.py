"""The data dictionary: the committed docs/DATA_DICTIONARY.md is what the models and the code generate,
and it describes every table, column, export field and check rule."""
import re
from pathlib import Path

from crawler.datadict import UNDESCRIBED, check_rules, data_dictionary
from crawler.extract import checks, years
from crawler.extract.report import report_from_text
from crawler.items import REPORT_FIELDS
from pipelines import db, export

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "docs" / "DATA_DICTIONARY.md"
SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n#", start + len(heading))
    return text[start:end if end != -1 else None]


def test_committed_dictionary_is_current():
    assert COMMITTED.read_text(encoding="utf-8") == data_dictionary(), \
        "docs/DATA_DICTIONARY.md is stale: run `python -m crawler.datadict > docs/DATA_DICTIONARY.md`"


def test_every_table_and_column_is_described():
    text = data_dictionary()
    assert UNDESCRIBED not in text
    for table in db.Base.metadata.sorted_tables:
        section = _section(text, f"### `{table.name}`")
        described = re.findall(r"^\| `(\w+)` \|", section, flags=re.M)
        assert described == [c.name for c in table.columns], table.name


def test_every_export_field_is_described():
    text = data_dictionary()
    for heading, fields in (("### jsonl", REPORT_FIELDS), ("### csv / parquet: the reports", export.FLAT_FIELDS),
                            ("### csv / parquet, `--stats long`", export.STATS_FIELDS),
                            ("### csv / parquet, `--stats wide`", export.WIDE_LEADING_FIELDS)):
        assert re.findall(r"^\| `(\w+)` \|", _section(text, heading), flags=re.M) == list(fields), heading


def test_every_declared_rule_is_in_the_dictionary():
    rules = dict(check_rules())
    assert set(rules) == set(checks.RULES) | set(years.RULES)
    assert all(text.strip() for text in rules.values())
    table = _section(data_dictionary(), "## Check rules")
    for rule in rules:
        assert f"| `{rule}` |" in table


def test_row_path_example_is_a_real_cell():
    """The dictionary's example of the `/` row path is a cell the 2020 seed report really has."""
    path = next(SEEDS.glob("001_*.txt"))
    stats = report_from_text(path.read_text(encoding="utf-8"), str(path))["stats"]
    text = _section(data_dictionary(), "## Statistics cells")
    example = re.search(r"`item` joins the path from the outermost label with `/`: `([^`]+)`", text).group(1)
    assert example in {s["item"] for s in stats}
    assert "法人或其他组织/商业企业" in {s["column"] for s in stats}
