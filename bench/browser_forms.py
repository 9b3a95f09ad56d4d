"""What a browser posts from a page's form, for the load test's editors (bench/locustfile.py):
the fields of a form as the browser would send them, the CSRF token, the page's messages,
and the markers an editor's save writes into a field (bench/loadcheck.py looks for them).
"""

import re
from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The fields a browser would post from the form with the given id, in order."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._multiple = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.fields.append((name, a.get("value", "") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options, self._multiple = name, [], "multiple" in a
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            # As browsers do: the newline just after <textarea> is not part of the value.
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not self._multiple and self._options:
                chosen = [self._options[0][0]]
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


def messages(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", m).strip()
        for m in re.findall(r"<li class=\"[a-z ]*\">(.*?)</li>", html)
    ]


def replace_value(fields, name: str, change) -> list[tuple[str, str]]:
    """The fields with `name`'s value passed through `change`."""
    return [(key, change(value) if key == name else value) for key, value in fields]


SUMMARY_MARK = re.compile(r"\s*\[load-[0-9a-f]+-\d+\]$")
BODY_MARK = re.compile(r"\s*<p>\[load-[0-9a-f]+-\d+\]</p>")


def with_summary_marker(summary: str, marker: str) -> str:
    return f"{SUMMARY_MARK.sub('', summary)} [{marker}]"


def with_body_marker(body: str, marker: str) -> str:
    return f"{BODY_MARK.sub('', body)}\n<p>[{marker}]</p>"
