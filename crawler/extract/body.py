"""The report body of a detail page: its container, its visible text, its attachment links.

`html_to_text` writes one block per line. A table row is one line with its cells
separated by ' | ' (empty cells kept, so columns stay in place); the text inside a
cell is joined without separators, because Word exports split labels such as
商业/企业 over several <p>. Runs of whitespace inside a line (spaces, &nbsp;,
U+3000, &ensp;) collapse to one space; lines are stripped; empty lines dropped.
Pass cell_separator="\t" for a text whose whitespace-free form equals the page text.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import lxml.html
from lxml import etree

# Containers that hold the report body on common CMS families (FORMATS.md §4), best first.
BODY_SELECTORS = (
    "#zoom", ".TRS_Editor", "#UCAP-CONTENT", ".xxgk_content", "#ivs_content",
    ".article_content", ".pages_content", ".wenzhang-content", ".article-content",
    "#content", ".content_text", ".zw", "#zw", ".main-txt", ".view", "article",
)
# Page chrome and metadata blocks that never belong to the body.
NOT_BODY_SELECTORS = ("table.xxgk_table", ".index_box", "nav", "header", "footer", ".breadcrumb", ".crumb")
# The same separator as the flattened seeds (002, 003), so one text-table reader serves both.
CELL_SEPARATOR = " | "
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".zip", ".rar")

_DROPPED_TAGS = ("script", "style", "noscript", "template", "xml", "head", "title", "iframe", "object")
_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "h1", "h2", "h3", "h4", "h5",
    "h6", "section", "article", "blockquote", "pre", "hr", "center", "form", "header", "footer", "nav",
    "address", "figure", "figcaption", "caption", "aside", "main",
})
_MIN_BODY_CHARS = 20
_WHITESPACE_RUN = re.compile(r"\s+")
_ATTACHMENT_BLOCK_HINT = re.compile(r"附件|fujian|fj|attach|appendix|download|xgfj", re.I)


def parse_html(html: str) -> etree._Element:
    """An lxml tree of a page or fragment, comments removed; tolerant of an XML encoding declaration."""
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html or "")
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
    if not html.strip():
        return lxml.html.document_fromstring("<html><body></body></html>", parser=parser)
    return lxml.html.document_fromstring(html, parser=parser)


def visible_text(element: etree._Element) -> str:
    """The text of an element without scripts and styles, whitespace runs collapsed, stripped."""
    return collapse_whitespace("".join(_visible_pieces(element)))


def _visible_pieces(element: etree._Element):
    """Text pieces in order; a block element or <br> also yields a space, so '索引号：X<br>发布机构：Y'
    keeps its two parts apart."""
    if _is_dropped(element):
        return
    is_block = element.tag.lower() in _BLOCK_TAGS
    if is_block:
        yield " "
    if element.text:
        yield element.text
    for child in element:
        yield from _visible_pieces(child)
        if child.tail:
            yield child.tail
    if is_block:
        yield " "


def collapse_whitespace(text: str) -> str:
    return _WHITESPACE_RUN.sub(" ", text).strip()


def body_fragment(html: str, hints: dict | None = None) -> str:
    """The HTML of the report body container, or '' when the page has no text at all."""
    tree = parse_html(html)
    for element in tree.xpath("//script|//style|//noscript|//template"):
        _drop(element)
    selectors = ((hints or {}).get("body"),) + BODY_SELECTORS if (hints or {}).get("body") else BODY_SELECTORS
    container = _first_container(tree, selectors)
    if container is None:
        container = _largest_text_block(tree)
    if container is None:
        return ""
    for selector in NOT_BODY_SELECTORS:
        for element in container.cssselect(selector):
            if element is not container:
                _drop(element)
    return lxml.html.tostring(container, encoding="unicode")


def html_to_text(fragment: str, cell_separator: str = CELL_SEPARATOR) -> str:
    """Visible text of an HTML fragment: one block per line, table rows as 'cell | cell | cell'."""
    if not fragment or not fragment.strip():
        return ""
    tree = parse_html(fragment)
    root = tree.find("body") if tree.find("body") is not None else tree
    lines: list[str] = []
    current: list[str] = []
    _write_children(root, lines, current, cell_separator)
    _flush(lines, current)
    return "\n".join(lines)


def attachment_links(html: str, base_url: str) -> list[dict]:
    """[{'url', 'name'}] of document links (PDF, DOC(X), WPS, XLS(X), ET, ZIP, RAR) in the body
    or in a 附件 block, absolute, deduplicated by URL, in page order."""
    tree = parse_html(html)
    base_href = tree.xpath("//base/@href")
    base = urljoin(base_url, base_href[0].strip()) if base_href else base_url
    body_fragment_html = body_fragment(html)
    body_hrefs = set(parse_html(body_fragment_html).xpath("//a/@href")) if body_fragment_html else set()
    links: dict[str, dict] = {}
    for anchor in tree.xpath("//a[@href]"):
        href = anchor.get("href").strip()
        name = collapse_whitespace(anchor.text_content()) or (anchor.get("title") or "").strip()
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
        if previous is not None and "附件" in (previous.text_content() or "")[:10]:
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
        matches = [(len(visible_text(element)), element) for element in tree.cssselect(selector)]
        matches = [(length, element) for length, element in matches if length >= _MIN_BODY_CHARS]
        if matches:
            return max(matches, key=lambda pair: pair[0])[1]
    return None


def _largest_text_block(tree: etree._Element) -> etree._Element | None:
    """The block whose own paragraphs hold the most non-link text (the report, not the menus)."""
    best, best_score = None, 0
    for element in tree.xpath("//body//div|//body//td|//body//section|//body//article"):
        score = 0
        for child in element:
            if not isinstance(child.tag, str) or child.tag not in ("p", "table", "span", "font", "h1", "h2", "h3"):
                continue
            text_length = len(visible_text(child))
            link_length = sum(len(collapse_whitespace(a.text_content())) for a in child.iter("a"))
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


def _write_blocks(element: etree._Element, lines: list[str], current: list[str], cell_separator: str) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag in _DROPPED_TAGS or not tag:
        return
    if tag == "table":
        _flush(lines, current)
        lines.extend(_table_lines(element, cell_separator))
        return
    block = tag in _BLOCK_TAGS
    if block:
        _flush(lines, current)
    _write_children(element, lines, current, cell_separator)
    if block:
        _flush(lines, current)


def _write_children(element: etree._Element, lines: list[str], current: list[str], cell_separator: str) -> None:
    if element.text:
        current.append(element.text)
    for child in element:
        _write_blocks(child, lines, current, cell_separator)
        if child.tail:
            current.append(child.tail)


def _flush(lines: list[str], current: list[str]) -> None:
    line = collapse_whitespace("".join(current))
    current.clear()
    if line:
        lines.append(line)


def _table_lines(table: etree._Element, cell_separator: str) -> list[str]:
    lines = []
    for row in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        cells = [_cell_text(cell, cell_separator) for cell in row.xpath("./td|./th")]
        if any(cells):
            lines.append(cell_separator.join(cells))
    return lines


def _cell_text(cell: etree._Element, cell_separator: str) -> str:
    """A cell on one line: its blocks joined without separators (商业</p><p>企业 -> 商业企业)."""
    inner_lines: list[str] = []
    current: list[str] = []
    _write_children(cell, inner_lines, current, cell_separator)
    _flush(inner_lines, current)
    return "".join(inner_lines)
