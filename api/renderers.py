"""JSON that is safe to echo: `<`, `>` and `&` are written as \\u escapes.

The data is unchanged for any JSON parser, but a name like `<script>` stored by a signer,
or a bad query value repeated in an error, never appears as raw markup in a response body,
whatever a browser or a careless consumer does with it.
"""

from rest_framework.renderers import JSONRenderer

ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


class HtmlSafeJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        rendered = super().render(data, accepted_media_type, renderer_context)
        if not rendered or not any(c in rendered for c in b"<>&"):
            return rendered
        return rendered.decode().translate(ESCAPES).encode()
