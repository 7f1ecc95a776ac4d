"""Text whose direction may differ from the page's: names, and texts that fell back to
another language (an English campaign title on an Arabic page).

`{{ name|bdi }}` isolates it in `<bdi>`, so an English name's punctuation stays put in an
Arabic sentence and an Arabic name's in an English one; `{{ content.title|bdi:content.language }}`
also says what language it is in (screen readers, hyphenation, fonts). Safe inside
`{% blocktranslate with title=… %}`: the msgid keeps its placeholder, only the value is marked.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter(is_safe=True)
def bdi(text, language: str = ""):
    if text is None or text == "":
        return ""
    if language:
        return format_html('<bdi lang="{}">{}</bdi>', language, text)
    return format_html("<bdi>{}</bdi>", text)
