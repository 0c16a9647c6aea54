"""The page chrome every demo page shares: header, navigation, breadcrumb, footer."""
from __future__ import annotations

import html

SITE_NAME = "鹤岗市南山区人民政府"


def page(title: str, content: str, encoding: str = "utf-8", breadcrumb: str = "政府信息公开",
         head_extra: str = "") -> str:
    charset = "gb2312" if encoding.lower() in ("gbk", "gb2312", "gb18030") else encoding
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{html.escape(title)}_{SITE_NAME}</title>
{head_extra}
</head>
<body>
<div class="header"><div class="logo">{SITE_NAME}</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/xxgk/">政府信息公开</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">{html.escape(breadcrumb)}</a></div>
<div class="main">
{content}
</div>
<div class="footer"><p>主办：{SITE_NAME}办公室　备案号：黑ICP备00000000号</p>
<p>地址：黑龙江省鹤岗市南山区　电话：0468-0000000</p></div>
</body>
</html>
"""
