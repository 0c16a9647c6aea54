"""The report body of a detail page: its container, its visible text, its attachment links.

`html_to_text` writes one block per line. A table row is one line with its cells
separated by ' | ' (empty cells kept, so columns stay in place); the text inside a
cell is joined without separators, because Word exports split labels such as
商业/企业 over several <p>. Runs of whitespace inside a line (spaces, &nbsp;,
U+3000, &ensp;) collapse to one space; lines are stripped; empty lines dropped.
Pass cell_separator="\t" for a text whose whitespace-free form equals the page text.
"""
from __future__ import annotations

import copy
import re
from collections.abc import Callable
from functools import cache
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

# Containers that hold the report body on common CMS families (FORMATS.md §4), best first.
# UCAP/开普: <div id="UCAP-CONTENT"> or a bare <ucapcontent> element; VSB/博达: <div id="vsb_content">
# around <div class="v_news_content">.
BODY_SELECTORS = (
    "#zoom", ".TRS_Editor", "#UCAP-CONTENT", "ucapcontent", ".v_news_content", "#vsb_content",
    ".xxgk_content", "#ivs_content",
    ".article_content", ".pages_content", ".wenzhang-content", ".article-content",
    "#content", ".content_text", ".zw", "#zw", ".main-txt", ".view", "article",
)
# Page chrome and metadata blocks that never belong to the body.
NOT_BODY_SELECTORS = ("table.xxgk_table", ".index_box", "nav", "header", "footer", ".breadcrumb", ".crumb")
# The same separator as the flattened seeds (002, 003), so one text-table reader serves both.
CELL_SEPARATOR = " | "
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".zip", ".rar")

# dropped from the page before its body container is looked for (body_container)
_DROPPED_BEFORE_SEARCH = ("script", "style", "noscript", "template")
DROPPED_TAGS = ("script", "style", "noscript", "template", "xml", "head", "title", "iframe", "object")
_DROPPED_TAGS = frozenset(DROPPED_TAGS)      # for membership tests: a set, not a scan of the tuple
_LINE_BREAKING_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "h1", "h2", "h3", "h4", "h5",
    "h6", "section", "article", "blockquote", "pre", "hr", "center", "form", "header", "footer", "nav",
    "address", "figure", "figcaption", "caption", "aside", "main",
})
_MIN_BODY_CHARS = 20
_ATTACHMENT_BLOCK_HINT = re.compile(r"附件|fujian|fj|attach|appendix|download|xgfj", re.I)
# a tag, #id, .class, tag#id or tag.class: the selectors read without cssselect's XPath
_SIMPLE_SELECTOR = re.compile(r"^(?P<tag>[a-z][a-z0-9]*)?(?:(?P<kind>[#.])(?P<name>[A-Za-z_][A-Za-z0-9_-]*))?$")
_CHROME_SELECTORS = [_SIMPLE_SELECTOR.match(selector) for selector in NOT_BODY_SELECTORS]
if not all(simple and simple["kind"] != "#" for simple in _CHROME_SELECTORS):
    raise ValueError("NOT_BODY_SELECTORS: each a tag, .class or tag.class (see _chrome_within)")
_CHROME_TAGS = tuple(simple["tag"] for simple in _CHROME_SELECTORS if not simple["kind"])
_CHROME_CLASSES = tuple((simple["tag"], simple["name"]) for simple in _CHROME_SELECTORS if simple["kind"])
_CHROME_CLASS_ATTRIBUTES = etree.XPath("descendant-or-self::*/@class[{}]".format(
    " or ".join(f"contains(., '{name}')" for _, name in _CHROME_CLASSES)))
_CLASS_SEPARATOR = re.compile(r"[ \t\r\n]+")        # the whitespace of XPath's normalize-space
_EXTENSION_ANYWHERE = re.compile("|".join(re.escape(extension) for extension in ATTACHMENT_EXTENSIONS), re.I)


def parse_tree(html: str) -> etree._Element:
    """An lxml tree of a page or fragment, comments removed; tolerant of an XML encoding declaration.

    Plain lxml elements (the libxml2 HTML parser without lxml.html's element classes, whose
    per-element class lookup runs Python code): read text with `text_content`."""
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html or "")
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True)
    if not html.strip():
        html = "<html><body></body></html>"
    tree = etree.fromstring(html, parser)
    if tree is None:
        raise etree.ParserError("Document is empty")
    return tree


def text_content(element: etree._Element) -> str:
    """All text inside an element, scripts included (lxml.html's `text_content` for any element):
    its XPath string value, read by the serializer's text method (the same libxml2 content walk,
    without setting up an XPath evaluation for each call)."""
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def as_tree(page: str | etree._Element) -> etree._Element:
    """The lxml tree of a page given as HTML text (parsed here) or already parsed (returned as is)."""
    return parse_tree(page) if isinstance(page, str) else page


@cache
def css(selector: str) -> CSSSelector:
    """A compiled CSS selector (compiling one costs more than running it on a page)."""
    return CSSSelector(selector, translator="html")


@cache
def _search(selector: str) -> Callable[[etree._Element], list]:
    """css(selector), or for an '#id' or '.class' selector an XPath that tests the id or class
    attributes instead of every element: the same elements in the same order (an element has
    one such attribute), found faster (bench/NOTES.md)."""
    selected = css(selector)        # also refuses what is no CSS
    simple = _SIMPLE_SELECTOR.match(selector)
    if simple is None or simple["tag"] or not simple["kind"]:
        return selected
    name = simple["name"]
    test = (f". = '{name}'" if simple["kind"] == "#"
            else f"contains(., '{name}') and contains(concat(' ', normalize-space(.), ' '), ' {name} ')")
    attributes = etree.XPath(f"descendant-or-self::*/@{'id' if simple['kind'] == '#' else 'class'}[{test}]")
    return lambda tree: [attribute.getparent() for attribute in attributes(tree)]


def visible_text(element: etree._Element) -> str:
    """The text of an element without scripts and styles, whitespace runs collapsed, stripped.

    A block element or <br> also counts as a space, so '索引号：X<br>发布机构：Y' keeps its two
    parts apart."""
    return collapse_whitespace("".join(_visible_pieces(element)))


def visible_text_within(element: etree._Element, max_chars: int) -> str | None:
    """`visible_text(element)` if it has at most max_chars characters, else None. Stops reading
    once the text is known to be longer, so a page-sized element costs no more than a short one."""
    pieces = _visible_pieces(element, max_chars)
    text = None if pieces is None else collapse_whitespace("".join(pieces))
    return None if text is None or len(text) > max_chars else text


def _visible_pieces(element: etree._Element, max_chars: int | None = None) -> list[str] | None:
    """Text pieces of the subtree in order (a non-recursive walk: pages nest deeply); None as soon
    as their text is longer than max_chars. The text of a concatenation is never shorter than the
    texts of its parts together, so the parts read so far are measured in chunks."""
    if _is_dropped(element):
        return []
    pieces: list[str] = []
    unmeasured_chars = measured_pieces = measured_length = 0
    walk = etree.iterwalk(element, events=("start", "end"))
    for event, node in walk:
        tag = node.tag
        tag = tag.lower() if isinstance(tag, str) else None
        dropped = tag is None or tag in _DROPPED_TAGS
        if event == "start":
            if dropped:
                walk.skip_subtree()
                continue
            if tag in _LINE_BREAKING_TAGS:
                pieces.append(" ")
            text = node.text
        else:
            if not dropped and tag in _LINE_BREAKING_TAGS:
                pieces.append(" ")
            text = node.tail if node is not element else None
        if text:
            pieces.append(text)
            unmeasured_chars += len(text)
            if max_chars is not None and unmeasured_chars > max_chars:
                measured_length += len(collapse_whitespace("".join(pieces[measured_pieces:])))
                if measured_length > max_chars:
                    return None
                measured_pieces, unmeasured_chars = len(pieces), 0
    return pieces


def collapse_whitespace(text: str) -> str:
    """Whitespace runs as one space, ends stripped (str.split() cuts where the regex \\s does)."""
    return " ".join(text.split())


def body_fragment(html: str) -> str:
    """The HTML of the report body container, or '' when the page has no text at all."""
    container = body_container(parse_tree(html))
    return "" if container is None else lxml.html.tostring(container, encoding="unicode")


def body_container(tree: etree._Element) -> etree._Element | None:
    """The element that holds the report body, with scripts and page chrome removed from it.
    Changes the tree (scripts are dropped everywhere): give it a copy to keep the page intact,
    or use `page_body_container`."""
    for element in list(tree.iter(*_DROPPED_BEFORE_SEARCH)):
        _drop(element)
    container = _find_container(tree)
    if container is None:
        return None
    for element in _chrome_within(container):
        if element is not container:
            _drop(element)
    return container


def page_body_container(page: etree._Element) -> etree._Element | None:
    """`body_container(copy.deepcopy(page))`, the page left unchanged.

    Fast path: when the page (a whole page's tree) holds no script, style, noscript or template
    and its container no page chrome, body_container would drop nothing: the copy would be the
    page, and the page's own container is returned without copying the page. Treat the result
    as read-only. A page with a script usually has one in its <head>: seeing that costs little."""
    if page.getparent() is None and next(page.iter(*_DROPPED_BEFORE_SEARCH), None) is None:
        container = _find_container(page)
        if container is None:
            return None
        if all(element is container for element in _chrome_within(container)):
            return container
    return body_container(copy.deepcopy(page))


def _find_container(tree: etree._Element) -> etree._Element | None:
    """The body container: a known CMS's, else the largest text block."""
    container = _first_container(tree, BODY_SELECTORS)
    return _largest_text_block(tree) if container is None else container


def html_to_text(fragment: str | etree._Element | None, cell_separator: str = CELL_SEPARATOR,
                 string_values: dict | None = None) -> str:
    """Visible text of an HTML fragment (text, or a body container, read with its tail as the
    text form would be): one block per line, table rows as 'cell | cell | cell'.

    `string_values`, if given, receives table cell -> its string value for the cells read by
    their string value, for `tables.tables_from_html` to read the same cells again at no cost."""
    lines: list[str] = []
    current: list[str] = []
    if fragment is None:
        return ""
    if isinstance(fragment, str):
        if not fragment.strip():
            return ""
        tree = parse_tree(fragment)
        root = tree.find("body") if tree.find("body") is not None else tree
        _write_children(root, lines, current, cell_separator, string_values)
    else:
        _write_blocks(fragment, lines, current, cell_separator, string_values)
        if fragment.tail:
            current.append(fragment.tail)
    _flush(lines, current)
    return "\n".join(lines)


def attachment_links(page: str | etree._Element, base_url: str,
                     body: etree._Element | None = None) -> list[dict]:
    """[{'url', 'name'}] of document links (PDF, DOC(X), WPS, XLS(X), ET, ZIP, RAR) in the body
    or in a 附件 block, absolute, deduplicated by URL, in page order.

    `page` is the HTML text or its parsed tree (left unchanged); `body` the page's body
    container (`body_container` on a copy), when already at hand."""
    tree = as_tree(page)
    if body is None:
        body = page_body_container(tree) if tree is page else body_container(tree)
    # the tree iterator instead of XPath's //base/@href, //a[@href], descendant-or-self::a/@href:
    # the same elements in document order, found at less cost
    document = tree.getroottree().getroot()
    base_hrefs = [element.get("href") for element in document.iter("base") if element.get("href") is not None]
    base = urljoin(base_url, base_hrefs[0].strip()) if base_hrefs else base_url
    body_hrefs = {anchor.get("href") for anchor in body.iter("a")} - {None} if body is not None else set()
    links: dict[str, dict] = {}
    for anchor in document.iter("a"):
        if anchor.get("href") is None:
            continue
        href = anchor.get("href").strip()
        name = collapse_whitespace(text_content(anchor)) or (anchor.get("title") or "").strip()
        if href.lower().startswith(("javascript:", "mailto:", "#")) or not href:
            continue
        if not (_is_document_url(href) or name.lower().endswith(ATTACHMENT_EXTENSIONS)):
            continue
        if href not in body_hrefs and not _in_attachment_block(anchor):
            continue
        url = urljoin(base, href)
        if url in links:
            links[url]["name"] = links[url]["name"] or name
            continue
        links[url] = {"url": url, "name": name or _file_name(url)}
    return list(links.values())


def _is_document_url(href: str) -> bool:
    if "%" not in href and not _EXTENSION_ANYWHERE.search(href):
        return False        # the path and query hold no document extension, even once decoded
    parts = urlsplit(href)
    if unquote(parts.path).lower().endswith(ATTACHMENT_EXTENSIONS):
        return True
    return any(value.lower().endswith(ATTACHMENT_EXTENSIONS) for _, value in parse_qsl(parts.query))


def _in_attachment_block(anchor: etree._Element, levels: int = 3) -> bool:
    """The link sits in a block whose class/id or own heading text says 附件 / attachment."""
    element = anchor.getparent()
    for _ in range(levels):
        if element is None:
            return False
        marks = " ".join([element.get("class") or "", element.get("id") or "", element.text or ""])
        if _ATTACHMENT_BLOCK_HINT.search(marks):
            return True
        previous = element.getprevious()
        if previous is not None and "附件" in (text_content(previous) or "")[:10]:
            return True
        element = element.getparent()
    return False


def _file_name(url: str) -> str:
    parts = urlsplit(url)
    for _, value in parse_qsl(parts.query):
        if value.lower().endswith(ATTACHMENT_EXTENSIONS):
            return value.rsplit("/", 1)[-1]
    return unquote(parts.path.rsplit("/", 1)[-1])


def _first_container(tree: etree._Element, selectors: tuple[str, ...]) -> etree._Element | None:
    """The element with the most text among the matches of the first selector that finds text."""
    for selector in selectors:
        elements = _search(selector)(tree)
        if len(elements) == 1:      # only whether it has text: read no more than that
            if visible_text_within(elements[0], _MIN_BODY_CHARS - 1) is None:
                return elements[0]
            continue
        matches = [(len(visible_text(element)), element) for element in elements]
        matches = [(length, element) for length, element in matches if length >= _MIN_BODY_CHARS]
        if matches:
            return max(matches, key=lambda pair: pair[0])[1]
    return None


def _chrome_within(container: etree._Element) -> list[etree._Element]:
    """What NOT_BODY_SELECTORS select in the container (itself included), as css(selector) would.

    Two searches instead of one XPath evaluation per selector: the tag selectors by the tree
    iterator (nothing to walk when the page has no such tag), the class selectors by one XPath
    over the class attributes that contain one of the class names, each then checked as the
    html translator does (a word of the class split at XML whitespace, the tag if given).
    Dropping an element only moves its tail text to its previous sibling or parent, so the order
    of the drops does not change the container; an element found inside one dropped before is
    dropped from the detached subtree, which changes nothing; one found twice is dropped once
    (a dropped element has no parent)."""
    chrome = list(container.iter(*_CHROME_TAGS))
    for class_attribute in _CHROME_CLASS_ATTRIBUTES(container):
        element = class_attribute.getparent()
        words = _CLASS_SEPARATOR.split(class_attribute)
        if any(name in words and tag in (None, element.tag) for tag, name in _CHROME_CLASSES):
            chrome.append(element)
    return chrome


def _largest_text_block(tree: etree._Element) -> etree._Element | None:
    """The block whose own paragraphs hold the most non-link text (the report, not the menus)."""
    best, best_score = None, 0
    for element in tree.xpath("//body//div|//body//td|//body//section|//body//article"):
        score = 0
        for child in element:
            if not isinstance(child.tag, str) or child.tag not in ("p", "table", "span", "font", "h1", "h2", "h3"):
                continue
            text_length = len(visible_text(child))
            link_length = sum(len(collapse_whitespace(text_content(a))) for a in child.iter("a"))
            score += text_length - 2 * link_length
        score += len(collapse_whitespace(element.text or ""))
        if score > best_score:
            best, best_score = element, score
    return best


def _drop(element: etree._Element) -> None:
    """Remove an element but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _is_dropped(node: etree._Element) -> bool:
    return not isinstance(node.tag, str) or node.tag.lower() in _DROPPED_TAGS


def _write_blocks(element: etree._Element, lines: list[str], current: list[str], cell_separator: str,
                  string_values: dict | None) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag in _DROPPED_TAGS or not tag:
        return
    if tag == "table":
        _flush(lines, current)
        lines.extend(_table_lines(element, cell_separator, string_values))
        return
    block = tag in _LINE_BREAKING_TAGS
    if block:
        _flush(lines, current)
    _write_children(element, lines, current, cell_separator, string_values)
    if block:
        _flush(lines, current)


def _write_children(element: etree._Element, lines: list[str], current: list[str], cell_separator: str,
                    string_values: dict | None) -> None:
    if element.text:
        current.append(element.text)
    for child in element:
        _write_blocks(child, lines, current, cell_separator, string_values)
        if child.tail:
            current.append(child.tail)


def _flush(lines: list[str], current: list[str]) -> None:
    line = collapse_whitespace("".join(current))
    current.clear()
    if line:
        lines.append(line)


def _table_lines(table: etree._Element, cell_separator: str, string_values: dict | None) -> list[str]:
    lines = []
    plain = _holds_only_text_markup(table)
    for row in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        cells = [_cell_line(cell, cell_separator, string_values, plain) for cell in row if cell.tag in ("td", "th")]
        if any(cells):
            lines.append(cell_separator.join(cells))
    return lines


def _holds_only_text_markup(table: etree._Element) -> bool:
    """True when the table holds no nested table, no dropped element (script, style …) and no
    comment, processing instruction or entity: then a cell's walk reads all of its text nodes in
    document order, split only at block elements. Tag names are compared as the HTML parser
    writes them, lower-case. One search per table instead of a check per cell."""
    special = table.iterdescendants("table", *DROPPED_TAGS, etree.Comment, etree.ProcessingInstruction,
                                    etree.Entity)
    return next(special, None) is None


def _cell_line(cell: etree._Element, cell_separator: str, string_values: dict | None, plain: bool = False) -> str:
    """A cell on one line: its blocks joined without separators (商业</p><p>企业 -> 商业企业).

    Fast path for a cell of a table that `_holds_only_text_markup`: the walk below cuts the
    cell's string value at block boundaries, collapses each piece and joins them without
    separators. When the collapsed string value holds no space, no whitespace sits inside the
    text, only at its ends, so every piece is its own text stripped and both give the same line."""
    if plain:
        string_value = text_content(cell)
        if string_values is not None:
            string_values[cell] = string_value
        line = collapse_whitespace(string_value)
        if " " not in line:
            return line
    inner_lines: list[str] = []
    current: list[str] = []
    _write_children(cell, inner_lines, current, cell_separator, string_values)
    _flush(inner_lines, current)
    return "".join(inner_lines)
