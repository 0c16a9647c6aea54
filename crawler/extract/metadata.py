"""The metadata header (元数据 / 信息索引) of a disclosure-catalogue page (FORMATS.md §2).

Labels vary by portal ('索 引 号', '索&ensp;引&ensp;号：', '发文机关', '来源' …); each is
mapped to one of METADATA_FIELDS. Where a page prints two labels of one field, the one listed
first in FIELD_LABELS wins, wherever it stands (a page with a 来源 line above a table saying
发布机构 gets the 发布机构); between equal labels the first in the page. Values are kept as
printed (whitespace runs collapsed, ends stripped) except dates, which become ISO 'YYYY-MM-DD';
an empty value is None, and so is a publisher that is a URL or a date. `read_metadata` reads HTML
(tables, lists, <p><strong>label</strong>：value</p>, label spans, <meta> tags as fallback);
`read_metadata_text` reads the same header from a page flattened to text.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from lxml import etree

from crawler.extract.body import DROPPED_TAGS, as_tree, collapse_whitespace, visible_text, visible_text_within
from crawler.extract.dates import to_iso_date

METADATA_FIELDS = ("index_no", "publisher", "published_on", "written_on", "doc_no", "topic", "keywords",
                   "validity", "summary", "title")
DATE_FIELDS = frozenset({"published_on", "written_on"})

# field -> labels as portals print them (without inner spaces; those are allowed anywhere),
# best first: a label listed earlier wins over a later one on the same page.
FIELD_LABELS = {
    "index_no": ("索引号", "信息索引号", "索取号"),
    "publisher": ("发布机构", "发文机关", "发布单位", "发文单位", "发文机构", "公开主体", "发布主体",
                  "信息来源", "来源"),
    "published_on": ("发布日期", "发布时间", "公开日期", "公开时间", "生成日期", "时间"),
    "written_on": ("成文日期", "发文日期", "成文时间"),
    "doc_no": ("文号", "发文字号", "发文文号", "文件编号"),
    "topic": ("主题分类", "信息分类", "分类", "主题词", "公开类别"),
    "keywords": ("关键词", "关键字"),
    "validity": ("时效", "有效性", "时效性", "废止日期"),
    "summary": ("内容概述", "摘要", "内容摘要"),
    "title": ("标题", "名称", "公文名称", "文件名称", "信息名称"),
}
# Page chrome printed like labels beside the header ('信息来源： 浏览次数： 字体：【大 中 小】'):
# they end the value before them and give none.
CHROME_LABELS = ("浏览次数", "访问次数", "阅读次数", "点击数", "点击量", "字体", "字号", "分享到", "分享")
# <meta name=…> tags that stand in for a missing label (TRS and many other CMS write them).
META_TAG_FIELDS = {"ArticleTitle": "title", "PubDate": "published_on", "ContentSource": "publisher"}
# elements whose text is a field (UCAP/开普 templates: <publishtime>2025-01-15 09:30</publishtime>);
# read after the labels, before the <meta> tags
TAG_FIELDS = {"publishtime": "published_on"}

_LABEL_TO_FIELD = {label: field for field, labels in FIELD_LABELS.items() for label in labels}
_LABEL_RANK = {label: rank for labels in FIELD_LABELS.values() for rank, label in enumerate(labels)}
_LABEL_TO_FIELD.update(dict.fromkeys(CHROME_LABELS))
# a publisher that is a web address ('来源：http://fgj.example.gov.cn/…', 'www.example.gov.cn')
# a value that is only a date or time ('2025-01-20 10:50', '2025年1月20日', '二〇二五年一月')
_DATE_ONLY = re.compile(r"[\d\s\-/.:：年月日号时分秒〇○零一二三四五六七八九十]+")
_WEB_ADDRESS = re.compile(r"^(?:https?://|www\.)|\.(?:gov\.cn|com|cn|net|org)(?:[/:?]|$)", re.I)
_SPACES = r"[\s\u2002\u2003\u3000\xa0]*"
# longest labels first, so 信息来源 wins over 来源 and 主题分类 over 分类
_LABEL_PATTERN = "|".join(
    _SPACES.join(re.escape(char) for char in label) for label in sorted(_LABEL_TO_FIELD, key=len, reverse=True)
)
_COLON = r"[:：]"
# a label followed by a colon, at the start of a text or after a separator
_LABEL_WITH_COLON = re.compile(rf"(?:^|(?<=[\s|│]))(?P<label>{_LABEL_PATTERN}){_SPACES}{_COLON}")
# the whole text is one label (a label cell), colon optional
_LABEL_ONLY = re.compile(rf"^{_SPACES}(?P<label>{_LABEL_PATTERN}){_SPACES}{_COLON}?{_SPACES}$")
_LINE_STARTS_WITH_LABEL = re.compile(rf"^[\s|]*(?:{_LABEL_PATTERN}){_SPACES}{_COLON}")
_TEXT_NODES = etree.XPath(".//text()")
_TEMPLATE_PLACEHOLDER = re.compile(r"\{\{.*?\}\}")
_HEADER_SEARCH_LINES = 10
_MAX_LABEL_ELEMENT_CHARS = 300

_LINE_TAGS = frozenset({"p", "li"})
_CANDIDATE_TAGS = ("td", "th", "dt", "dd", "li", "p", "span", "div", "strong", "b", "label", "em", "font")


def _label_start_regex() -> re.Pattern:
    """A regex that finds every position where a label starts (overlapping: 信息来源 and 来源),
    matching only the label's first character: one branch per first character, the rest of its
    labels looked ahead. Each branch begins with a literal, so the engine skips to the positions
    holding a first character instead of trying every position of the text."""
    rests: dict[str, list[str]] = {}
    for label in sorted(_LABEL_TO_FIELD, key=len, reverse=True):
        rests.setdefault(label[0], []).append(label[1:])
    return re.compile("|".join(
        re.escape(first) + f"(?={_SPACES}(?:" + "|".join(_SPACES.join(map(re.escape, rest)) for rest in labels) + "))"
        for first, labels in sorted(rests.items())))


_LABEL_START = _label_start_regex()


def empty_metadata() -> dict:
    return dict.fromkeys(METADATA_FIELDS)


def read_metadata(page: str | etree._Element) -> dict:
    """All METADATA_FIELDS keys from a page's header (HTML text or its parsed tree, left
    unchanged); field tags (<publishtime>) and then <meta> tags fill what the header lacks."""
    tree = as_tree(page)
    metadata = empty_metadata()
    ranks: dict[str, int] = {}
    for label, value in _pairs_from_elements(tree):
        _keep_best(metadata, ranks, label, value)
    for field, value in _pairs_from_field_tags(tree):
        _keep_first(metadata, field, value)
    for field, value in _pairs_from_meta_tags(tree):
        _keep_first(metadata, field, value)
    return metadata


def read_meta_tags(page: str | etree._Element) -> dict[str, str]:
    """Every <meta name=… content=…> of the page (ArticleTitle, PubDate, ColumnName, DocId …)."""
    tree = as_tree(page)
    return {meta.get("name"): (meta.get("content") or "").strip()
            for meta in _meta_tags(tree) if meta.get("name")}


def read_metadata_text(text: str) -> tuple[dict, str]:
    """(metadata, remaining text) from a page flattened to text whose header lines hold
    'label: | value |' cells (seed 002) or 'label：value' pairs; the header lines are removed."""
    lines = text.splitlines()
    header_start = next((index for index, line in enumerate(lines[:_HEADER_SEARCH_LINES])
                         if _LINE_STARTS_WITH_LABEL.match(line)), None)
    metadata = empty_metadata()
    if header_start is None:
        return metadata, text
    ranks: dict[str, int] = {}
    header_end = header_start
    while header_end < len(lines) and (_LINE_STARTS_WITH_LABEL.match(lines[header_end])
                                       or not lines[header_end].strip()):
        for label, value in _labelled_values(lines[header_end]):
            _keep_best(metadata, ranks, label, value)
        header_end += 1
    remaining = lines[:header_start] + lines[header_end:]
    return metadata, "\n".join(remaining)


def label_value_pairs(text: str) -> list[tuple[str | None, str | None]]:
    """[(field, value)] for every 'label：value' in one line of text; a value runs to the next
    label. '文 号: | 主题分类: | 县(市)区 |' -> [('doc_no', None), ('topic', '县(市)区')]."""
    return [(_LABEL_TO_FIELD.get(label), value) for label, value in _labelled_values(text)]


def _labelled_values(text: str) -> list[tuple[str, str | None]]:
    """[(label as listed in FIELD_LABELS, value)] for every 'label：value' in one line of text."""
    matches = list(_LABEL_WITH_COLON.finditer(text))
    pairs = []
    for match, following in zip(matches, matches[1:] + [None], strict=True):
        raw_value = text[match.end(): following.start() if following else len(text)]
        pairs.append((_label_key(match["label"]), _clean_value(raw_value)))
    return pairs


def field_of_label(label: str) -> str | None:
    """The METADATA_FIELDS name a printed label stands for ('索 引 号：' -> 'index_no')."""
    return _LABEL_TO_FIELD.get(_label_key(label))


def _label_key(label: str) -> str:
    """A printed label as FIELD_LABELS lists it: '索 引 号：' -> '索引号'."""
    return re.sub(rf"{_SPACES}|{_COLON}", "", label)


def _pairs_from_elements(tree: etree._Element):
    """(label, value) from label elements in document order.

    An element whose whole text is a label takes its value from what follows it (the
    next cell, the tail text after <strong>索引号</strong>, the next <dd> or <span>).
    An element whose text starts with 'label：' and holds no smaller labelled element
    gives the pairs of its own text.
    """
    short_texts = _ShortTexts()
    may_hold_label = _elements_that_may_start_with_a_label(tree, short_texts)
    for element in _in_document_order(may_hold_label, tree):
        if element.tag not in _CANDIDATE_TAGS:
            continue
        text = short_texts[element]
        if not text:
            continue
        label_only = _LABEL_ONLY.match(text)
        if label_only:
            yield _label_key(label_only["label"]), _value_after(element, short_texts)
        elif _LABEL_WITH_COLON.match(text) and not _has_labelled_child(element, short_texts):
            yield from _labelled_values(text)


class _ShortTexts(dict):
    """element -> its visible text when at most _MAX_LABEL_ELEMENT_CHARS long, else None; read once."""

    def __missing__(self, element: etree._Element) -> str | None:
        text = self[element] = visible_text_within(element, _MAX_LABEL_ELEMENT_CHARS)
        return text


def _elements_that_may_start_with_a_label(tree: etree._Element, short_texts: _ShortTexts) -> set:
    """The elements whose visible text can start with a label, found from the page's text instead
    of reading every element's text.

    An element's text starts where one of its text nodes starts (after whitespace), so a label at
    its start is a label in the page's text after only whitespace in its text node; the element
    holds that node and is short, like every element between them. An element holding a script
    or style may show a label that the page's text splits (索<script>…</script>引号): kept too."""
    nodes = _TEXT_NODES(tree)
    starts = [0, *accumulate(map(len, nodes))]
    page_text = "".join(nodes)
    elements: set = set()
    for match in _LABEL_START.finditer(page_text):
        index = bisect_right(starts, match.start()) - 1
        if page_text[starts[index]:match.start()].strip():
            continue
        node = nodes[index]
        holder = node.getparent().getparent() if node.is_tail else node.getparent()
        while holder is not None and holder not in elements and short_texts[holder] is not None:
            elements.add(holder)
            holder = holder.getparent()
    for dropped in tree.iter(*DROPPED_TAGS):
        elements.update(dropped.iterancestors())
    return elements


def _in_document_order(elements: set, tree: etree._Element) -> list:
    """Those of the elements that lie in the tree (itself included), in the order its iterator
    meets them: sorted by their paths of child positions from the document's root. The few
    elements that may hold a label are sorted instead of iterating every element of the page."""
    paths: dict = {}

    def path(element) -> tuple[int, ...]:
        climbed = []                # no recursion: pages nest deeply
        while element not in paths:
            parent = element.getparent()
            if parent is None:
                paths[element] = ()
                break
            climbed.append((parent, element))
            element = parent
        for parent, child in reversed(climbed):
            paths[child] = paths[parent] + (parent.index(child),)
        return paths[climbed[0][1]] if climbed else paths[element]

    root = path(tree)
    return sorted((element for element in elements if path(element)[:len(root)] == root), key=path)


def _text_of(element: etree._Element, short_texts: _ShortTexts) -> str:
    text = short_texts[element]
    return visible_text(element) if text is None else text


def _value_after(label_element: etree._Element, short_texts: _ShortTexts) -> str | None:
    """The value printed after a label element: its tail, else the next sibling unless that starts
    with a label.
    A whole line (<p>, <li>) that holds only a label has an empty value."""
    tail = _clean_value(label_element.tail or "")
    if tail or label_element.tag in _LINE_TAGS:
        return tail
    sibling = label_element.getnext()
    if sibling is None:
        return None
    sibling_text = _text_of(sibling, short_texts)
    if _LABEL_ONLY.match(sibling_text) or _LABEL_WITH_COLON.match(sibling_text):
        return None     # the next cell is a label of its own ('文号：' then '发布日期：2025-03-31')
    return _clean_value(sibling_text)


def _has_labelled_child(element: etree._Element, short_texts: _ShortTexts) -> bool:
    return any(_LABEL_WITH_COLON.match(text) or _LABEL_ONLY.match(text)
               for text in (_text_of(child, short_texts) for child in element if isinstance(child.tag, str)))


def _meta_tags(tree: etree._Element) -> list[etree._Element]:
    """Every <meta name=…> of the document the tree belongs to (XPath's //meta[@name]), found by
    the tree iterator, which costs less than the XPath."""
    return [meta for meta in tree.getroottree().getroot().iter("meta") if meta.get("name") is not None]


def _pairs_from_field_tags(tree: etree._Element):
    for element in tree.iter(*TAG_FIELDS):
        yield TAG_FIELDS[element.tag], _clean_value(visible_text(element))


def _pairs_from_meta_tags(tree: etree._Element):
    for meta in _meta_tags(tree):
        field = META_TAG_FIELDS.get(meta.get("name"))
        if field:
            yield field, _clean_value(meta.get("content") or "")


def _clean_value(raw: str) -> str | None:
    """A value as printed: separators and colons at the ends dropped, whitespace runs collapsed."""
    value = collapse_whitespace(raw).strip(" |:：")
    value = collapse_whitespace(value)
    if not value or _TEMPLATE_PLACEHOLDER.search(value):
        return None
    return value


def _keep_best(metadata: dict, ranks: dict[str, int], label: str, value: str | None) -> None:
    """Store a labelled value unless its field already holds one of an equal or better label."""
    field = _LABEL_TO_FIELD.get(label)
    rank = _LABEL_RANK.get(label, 0)
    if field is None or ranks.get(field, len(_LABEL_RANK)) <= rank:
        return
    value = _parse_value(field, value)
    if value is not None:
        metadata[field] = value
        ranks[field] = rank


def _keep_first(metadata: dict, field: str | None, value: str | None) -> None:
    """Store the first usable value of a field (for fields that fill what the labels left)."""
    if field is None or metadata[field] is not None:
        return
    metadata[field] = _parse_value(field, value)


def _parse_value(field: str, value: str | None) -> str | None:
    """A field's value as stored: dates as ISO dates, publishers as names; None when unusable."""
    if value is None:
        return None
    if field in DATE_FIELDS:
        return to_iso_date(value)
    if field == "publisher":
        return _parse_publisher(value)
    return value


def _parse_publisher(value: str) -> str | None:
    """A publisher is a body's name, never a web address or a date ('来源：http://…',
    '来源：2025-01-20' give None)."""
    if _WEB_ADDRESS.search(value) or _DATE_ONLY.fullmatch(value):
        return None
    return value
