from django import forms


class RichTextWidget(forms.Textarea):
    """A textarea that a small script turns into a formatting editor.

    The textarea stays the source of truth (and the fallback without
    JavaScript); whatever it submits is sanitized again by RichTextField.
    """

    template_name = "django/forms/widgets/textarea.html"

    class Media:
        css = {"all": ["curation/richtext.css"]}
        js = ["curation/richtext.js"]

    def __init__(self, attrs=None):
        super().__init__({"data-richtext": "", "rows": 14, **(attrs or {})})
