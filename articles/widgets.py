"""The article body's editor in the admin: django-prose-editor, started so the strict CSP holds.

django-prose-editor's own presets need an inline ``<script type="importmap">`` and let Tiptap
inject a ``<style>`` element; the site's policy (``script-src 'self'``, ``style-src 'self'``)
refuses both. This widget keeps the package's editor build, its CSS and its configuration
format, but starts the editor from a static module (``static/js/article-body-editor.js``) that
imports the build by a relative URL and turns Tiptap's injected CSS off. Without JavaScript it is
the plain textarea, whose blank-line paragraphs ``paragraphs_from_text`` still understands.

The menu offers only what the public sanitiser (``articles/html.py``) keeps: paragraphs, h2/h3,
lists, block quotes, links, bold, italic, line breaks. The browser's output is cleaned by that
same sanitiser when the article is saved.
"""

from django import forms
from django_prose_editor.config import expand_extensions
from django_prose_editor.widgets import AdminProseEditorWidget

PRESET = "article"

EXTENSIONS = {
    "NoSpellCheck": False,  # journalists want the browser's spelling check
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https"]},
    "Bold": True,
    "Italic": True,
    "HardBreak": True,
}


class ArticleBodyWidget(AdminProseEditorWidget):
    """A textarea the static module turns into the rich-text editor (``data-django-prose-editor-article``)."""

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, config={"extensions": EXTENSIONS}, preset=PRESET)

    def get_config(self):
        # Only the extension settings: the static module knows the editor's scripts itself.
        return {"extensions": expand_extensions(self.config["extensions"])}

    @property
    def media(self):
        return forms.Media(
            css={
                "all": (
                    "django_prose_editor/material-icons.css",
                    "django_prose_editor/editor.css",
                    "django_prose_editor/overrides.css",
                    "css/article-body-editor.css",
                )
            },
            js=(forms.Script("js/article-body-editor.js", type="module"),),
        )
