from types import SimpleNamespace

import pytest
from django.db.migrations.writer import MigrationWriter
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.richtext import (
    ALLOWED_TAGS,
    RICH_TEXT_HELP,
    RichTextField,
    html_to_text,
    sanitize_html,
)

# -- sanitize_html -------------------------------------------------------------------------------


def test_script_and_style_removed_with_their_contents():
    out = sanitize_html("<p>Before<script>alert('x')</script> after</p><style>p{color:red}</style>")
    assert out == "<p>Before after</p>"


@pytest.mark.parametrize(
    "dirty",
    [
        '<img src="x" onerror="alert(1)">',
        '<p onclick="alert(1)">text</p>',
        '<a href="/x" onmouseover="alert(1)">link</a>',
        '<span title="t" onfocus="alert(1)">s</span>',
    ],
)
def test_event_handlers_removed(dirty):
    assert "on" not in sanitize_html(dirty).replace("noopener", "")
    assert "alert" not in sanitize_html(dirty)


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "javascript&#58;alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
    ],
)
def test_dangerous_urls_removed(href):
    out = sanitize_html(f'<a href="{href}">click</a>')
    assert "href" not in out
    assert "click" in out


@pytest.mark.parametrize(
    "href",
    ["https://www.wilsoncenter.org/", "http://example.org/a?b=c", "mailto:archive@example.org"],
)
def test_safe_absolute_links_kept(href):
    out = sanitize_html(f'<a href="{href}" title="Source">source</a>')
    assert f'href="{href.replace("&", "&amp;")}"' in out
    assert 'title="Source"' in out
    assert 'rel="noopener noreferrer"' in out


def test_relative_links_kept():
    assert 'href="/documents/1234/"' in sanitize_html('<a href="/documents/1234/">doc</a>')
    assert 'href="#note-1"' in sanitize_html('<a href="#note-1">1</a>')


def test_link_rel_and_target_from_input_are_replaced():
    out = sanitize_html('<a href="https://e.org" rel="opener" target="_blank">e</a>')
    assert out == '<a href="https://e.org" rel="noopener noreferrer">e</a>'


def test_structure_and_emphasis_kept():
    html = (
        "<h2>Memorandum</h2><h3>Part</h3><h4>Sub</h4>"
        "<p>A <em>secret</em> <strong>cable</strong> with <i>i</i> <b>b</b> <u>u</u> <s>s</s> "
        "H<sub>2</sub>O x<sup>2</sup> and <abbr title="
        '"Committee for State Security">KGB</abbr> <span title="Note">noted</span>.</p>'
        "<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>"
        "<blockquote><p>Quoted</p></blockquote><hr><pre><code>x = 1</code></pre>"
        "<p>line<br>break</p>"
    )
    assert sanitize_html(html) == html


def test_tables_kept():
    html = (
        "<table><thead><tr><th>Year</th><th>Count</th></tr></thead>"
        "<tbody><tr><td>1962</td><td>13</td></tr></tbody></table>"
    )
    assert sanitize_html(html) == html


def test_disallowed_tags_unwrapped_and_attributes_dropped():
    out = sanitize_html('<p class="x" style="color:red" id="a"><font face="Arial">Text</font></p>')
    assert out == "<p>Text</p>"
    assert sanitize_html('<img src="https://e.org/x.png" alt="x">') == ""


@pytest.mark.parametrize(
    "dirty",
    [
        '<iframe src="https://evil.example"></iframe>',
        '<form action="https://evil.example"><input name="password"><button>Go</button></form>',
        '<object data="x.swf"></object><embed src="x.swf">',
        "<svg><script>alert(1)</script></svg>",
    ],
)
def test_frames_forms_and_embeds_removed(dirty):
    out = sanitize_html(dirty + "<p>kept</p>")
    assert out == "<p>kept</p>"


def test_comments_removed():
    assert sanitize_html("<p>a<!-- secret --></p>") == "<p>a</p>"


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_values(empty):
    assert sanitize_html(empty) == ""


@pytest.mark.parametrize(
    "html",
    [
        "<p>a<p>b<ul><li>one<li>two</ul>",
        '<a href="https://e.org">x</a><a href="javascript:x">y</a>',
        "<p>x &amp; y &lt;script&gt; &nbsp; z</p>",
        "<table><tr><td>1<td>2</table>",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        "<h1>Title</h1><div>Body <b>bold</b></div>",
        "Plain text with < and > and &",
    ],
)
def test_idempotent(html):
    once = sanitize_html(html)
    assert sanitize_html(once) == once


def test_text_is_escaped_not_unescaped():
    assert sanitize_html("&lt;script&gt;alert(1)&lt;/script&gt;") == (
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    )


# -- RichTextField ---------------------------------------------------------------------------------


def _field(**kwargs) -> RichTextField:
    field = RichTextField(**kwargs)
    field.set_attributes_from_name("body")
    return field


def test_pre_save_sanitizes_and_writes_back():
    field = _field()
    instance = SimpleNamespace(body='<p onclick="x()">Hi<script>bad()</script></p>')
    assert field.pre_save(instance, add=True) == "<p>Hi</p>"
    assert instance.body == "<p>Hi</p>"


def test_pre_save_keeps_null_when_nullable():
    assert _field(null=True).pre_save(SimpleNamespace(body=None), add=False) is None
    assert _field().pre_save(SimpleNamespace(body=None), add=False) == ""


def test_deconstruct_path_and_default_help_text():
    name, path, args, kwargs = _field(blank=True).deconstruct()
    assert (name, path, args) == ("body", "archive.richtext.RichTextField", [])
    assert kwargs == {"blank": True}
    assert RichTextField(**kwargs).help_text == RICH_TEXT_HELP
    assert _field(help_text="Custom").deconstruct()[3]["help_text"] == "Custom"


def test_migration_serialization():
    source, imports = MigrationWriter.serialize(_field(blank=True))
    assert source == "archive.richtext.RichTextField(blank=True)"
    assert imports == {"import archive.richtext"}


# -- html_to_text ----------------------------------------------------------------------------------


def test_html_to_text_blocks_become_lines():
    html = (
        "<h2>Telegram</h2><p>From the   Embassy\n in <em>Havana</em>.</p>"
        "<ul><li>One</li><li>Two</li></ul><p>Line<br>break</p>"
        "<table><tr><th>Year</th><th>Count</th></tr><tr><td>1962</td><td>13</td></tr></table>"
    )
    assert html_to_text(html) == (
        "Telegram\nFrom the Embassy in Havana.\nOne\nTwo\nLine\nbreak\nYear Count\n1962 13"
    )


def test_html_to_text_unescapes_entities_once():
    assert html_to_text("<p>Tom &amp; Jerry &lt;b&gt; &amp;lt; caf&eacute;&nbsp;x</p>") == (
        "Tom & Jerry <b> &lt; café x"
    )


def test_html_to_text_inline_elements_do_not_break_words():
    assert html_to_text("<p>de<strong>classi</strong>fied <a href='/x'>link</a></p>") == (
        "declassified link"
    )


def test_html_to_text_pre_keeps_lines():
    assert html_to_text("<pre>line one\n   line two</pre>") == "line one\nline two"


def test_html_to_text_skips_script_content_if_given_unsanitized_html():
    assert html_to_text("<p>a</p><script>var x = 1;</script><style>p{}</style><p>b</p>") == "a\nb"


@pytest.mark.parametrize("empty", [None, ""])
def test_html_to_text_empty(empty):
    assert html_to_text(empty) == ""


def test_html_to_text_of_sanitized_html():
    dirty = "<p>Report<script>steal()</script></p><p>Page&nbsp;2</p>"
    assert html_to_text(sanitize_html(dirty)) == "Report\nPage 2"


# -- Normal form: what is stored is what the form saves back ------------------------------------

_TAGS = [*sorted(ALLOWED_TAGS), "script", "style", "img", "font", "table", "svg", "h1", "textarea"]
_ATTRIBUTES = st.sampled_from(
    [
        ("href", "https://e.org/a?b=c&d"),
        ("href", "javascript:alert(1)"),
        ("href", "/documents/1/"),
        ("title", 'a "quoted" <title>'),
        ("onclick", "x()"),
        ("style", "color:red"),
        ("colspan", "2"),
        ("rel", "opener"),
    ]
)
_TEXT = st.lists(
    st.sampled_from([*list("ab <>&;\"'\n\r\t\xa0\u3000é"), "&amp;", "&nbsp;", "&#13;"]),
    max_size=12,
).map("".join)


def _element(children):
    def render(tag, attributes, inner):
        attrs = "".join(f' {name}="{value}"' for name, value in attributes)
        return f"<{tag}{attrs}>{''.join(inner)}</{tag}>"

    return st.builds(
        render, st.sampled_from(_TAGS), st.lists(_ATTRIBUTES, max_size=2), st.lists(children)
    )


# Well-formed trees, and the same pieces glued with stray or unclosed tags, as pasted text is.
_HTML = st.recursive(_TEXT, _element, max_leaves=12) | st.lists(
    st.one_of(_TEXT, st.sampled_from(["<p>", "</p>", "<li>", "<td>", "<b>", "</table>", "<br>"])),
    max_size=12,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_HTML)
def test_sanitizing_is_idempotent(html):
    once = sanitize_html(html)
    assert sanitize_html(once) == once


@settings(max_examples=200, deadline=None)
@given(_HTML)
def test_the_form_saves_back_what_is_stored(html):
    """A browser sends the stored text back with CRLF line breaks; that is no change."""
    stored = sanitize_html(html)
    field = RichTextField(blank=True).formfield()
    sent = stored.replace("\n", "\r\n")
    assert field.clean(sent) == stored
    assert not field.has_changed(stored, sent)


def test_stored_text_has_no_surrounding_whitespace_and_unix_line_breaks():
    assert sanitize_html("\n <p>One.</p>\r\n<p>Two.</p>\n") == "<p>One.</p>\n<p>Two.</p>"


def test_the_form_sees_a_whitespace_only_difference_as_no_change():
    """Rows written before normalization may end in a newline; saving them back is no edit."""
    field = RichTextField().formfield()
    assert not field.has_changed("<p>One.</p>\n", "<p>One.</p>")
    assert field.has_changed("<p>One.</p>", "<p>One!</p>")


@pytest.mark.django_db
def test_the_upgrade_brings_stored_text_into_normal_form():
    """Rows written before the normal form are rewritten once, so the first save after the
    upgrade has nothing to change."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    from tests import factories

    translation = factories.TranslationFactory()
    collection = factories.CollectionFactory()
    with connection.cursor() as cursor:  # as older code wrote them
        cursor.execute(
            "UPDATE archive_translation SET body = %s, approved_body = %s WHERE id = %s",
            ["<p>One.</p>\r\n<p>Two.</p>\n", " <p>One.</p>\n", translation.pk],
        )
        cursor.execute(
            "UPDATE archive_collection SET description = %s WHERE id = %s",
            ["<p>About.</p>\n", collection.pk],
        )

    import_module("archive.migrations.0008_normalize_rich_text").normalize(apps, None)

    translation.refresh_from_db()
    collection.refresh_from_db()
    assert translation.body == "<p>One.</p>\n<p>Two.</p>"
    assert translation.approved_body == "<p>One.</p>"
    assert collection.description == "<p>About.</p>"


@pytest.mark.django_db
def test_bulk_writes_are_sanitized_too():
    """``update()`` and ``bulk_update()`` skip ``pre_save``; the stored text is still clean."""
    from archive.models import Collection, Translation
    from tests import factories

    translation = factories.TranslationFactory()
    Translation.objects.filter(pk=translation.pk).update(body="<p>Hi<script>x()</script></p>\n")
    translation.refresh_from_db()
    assert translation.body == "<p>Hi</p>"

    collection = factories.CollectionFactory()
    collection.description = '<p onclick="x()">About</p>\r\n'
    Collection.objects.bulk_update([collection], ["description"])
    collection.refresh_from_db()
    assert collection.description == "<p>About</p>"
