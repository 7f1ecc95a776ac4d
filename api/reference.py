"""The API reference page: the OpenAPI schema that /api/schema/ serves, rendered as plain HTML.

It is built from drf-spectacular's generator, never from a copy, so a new endpoint appears
here by itself. What the schema cannot say (the token scope a view checks, its rate limits,
its cache headers, CORS) is read from the view classes behind each operation. The reference
only changes with a deploy: it is rendered once per language (and site URL) per process.
"""

import http
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from drf_spectacular.settings import spectacular_settings

from api.authentication import DEFAULT_RATES, PartnerRateThrottle, PartnerSignRateThrottle
from api.http import MAX_BODY_BYTES, PartnerView, PublicReadView
from campaigns.content import render_markdown
from partners.models import PartnerToken

METHODS = ("get", "put", "post", "patch", "delete")
LOCATIONS = ("path", "query", "header", "cookie")
# drf-spectacular lists an enum's choices in its description ("* `en` - en"); they are
# shown as the enum's values instead.
CHOICE_LINE = re.compile(r"^\* `(?P<value>[^`]*)` - (?P<label>.*)$")
JSON_WIDTH = 60  # examples: shorter arrays and objects stay on one line
MAX_DEPTH = 6  # how deep fields of nested inline objects are shown
ERROR_SCHEMA = "Error"
# Headings for drf-spectacular's tags (the first segment of a path, or extend_schema's tags).
TAG_TITLES = {
    "api": _("Campaigns, tracker and open data"),
    "partners": _("Partners"),
    "oembed": _("oEmbed"),
}


@dataclass
class Field:
    name: str
    type: str
    description: SafeString
    required: bool = False
    nullable: bool = False
    read_only: bool = False
    write_only: bool = False
    deprecated: bool = False
    enum: list[tuple[str, str]] = field(default_factory=list)  # (value, label or "")
    constraints: list[tuple[str, str]] = field(default_factory=list)  # (kind, value)
    example: str = ""
    default: str = ""
    link: str = ""  # the object type (under "Data types") that holds the nested fields
    children: list["Field"] = field(default_factory=list)  # nested fields of inline objects

    @property
    def enum_labels(self) -> bool:
        return any(label for _value, label in self.enum)

    @property
    def enum_values(self) -> str:
        return ", ".join(value for value, _label in self.enum)


@dataclass
class DataType:
    name: str
    description: SafeString
    fields: list[Field]


@dataclass
class Body:
    media_type: str
    type: str
    description: SafeString
    fields: list[Field]
    example: SafeString
    value: Any = None  # the example itself


@dataclass
class Answer:
    code: str
    phrase: str
    description: SafeString
    bodies: list[Body]


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    path_html: SafeString  # may break after each slash
    summary: str
    description: SafeString
    deprecated: bool
    token: bool
    scope: str
    throttles: list[tuple[str, str]]  # (rate, "ip" | "token" | "signatures")
    cache: str
    cors: bool
    parameters: list[tuple[str, list[Field]]]  # by location: path, query, header, cookie
    request: list[Body]
    request_required: bool
    responses: list[Answer]
    error_codes: list[str]  # answered with the common error body
    curl: SafeString


@dataclass
class Group:
    tag: str
    title: str
    anchor: str
    operations: list[Operation]


@dataclass
class Reference:
    title: str
    version: str
    description: SafeString
    groups: list[Group]
    error_fields: list[Field]
    error_example: SafeString
    data_types: list[DataType]
    scopes: list[tuple[str, str]]
    rates: dict[str, SafeString]  # by throttle scope
    max_body_kb: int
    # Code quoted in translated sentences.
    site: SafeString
    auth_header: SafeString
    retry_after: SafeString
    allow_origin: SafeString
    if_none_match: SafeString
    content_type: SafeString
    error_fields_name: SafeString


def generate_schema() -> tuple[dict, dict]:
    """The schema exactly as /api/schema/ builds it, and the view class behind each operation."""
    generator = spectacular_settings.DEFAULT_GENERATOR_CLASS(
        urlconf=spectacular_settings.SERVE_URLCONF
    )
    with translation.override(settings.LANGUAGE_CODE):
        schema = generator.get_schema(request=None, public=spectacular_settings.SERVE_PUBLIC)
    views = {
        (_path_shape(path), method.lower()): getattr(callback, "cls", None)
        for path, _regex, method, callback in generator.endpoints
    }
    return schema, views


def _path_shape(path: str) -> str:
    # The schema renames some path parameters ({pk} becomes {id}): compare without names.
    return re.sub(r"\{[^}]*\}", "{}", path)


class _Walker:
    """Turns schema nodes into fields, type labels and examples, following $refs."""

    def __init__(self, schema: dict):
        self.components = schema.get("components", {}).get("schemas", {})
        self.linked: set[str] = set()  # object types that fields link to

    def unwrap(self, node: dict) -> tuple[dict, str, dict]:
        """(the schema a node stands for, its component name or "", the node's own keys)."""
        outer = {k: v for k, v in node.items() if k not in ("$ref", "allOf")}
        name = ""
        seen = set()
        while True:
            if "$ref" in node:
                name = node["$ref"].rsplit("/", 1)[-1]
                if name in seen:
                    break
                seen.add(name)
                node = self.components.get(name, {})
            elif len(node.get("allOf", [])) == 1:
                node = node["allOf"][0]
            else:
                break
        return node, name, outer

    def type_label(self, node: dict) -> str:
        target, name, _outer = self.unwrap(node)
        if "enum" in target:
            return target.get("type", "string")
        if name and target.get("type", "object") == "object":
            return name
        kind = target.get("type")
        if kind == "array":
            return f"array<{self.type_label(target.get('items', {}))}>"
        if kind == "object" or (kind is None and "properties" in target):
            extra = target.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return f"object<string, {self.type_label(extra)}>"
            return "object"
        for combiner in ("oneOf", "anyOf", "allOf"):
            if combiner in target:
                return " | ".join(self.type_label(option) for option in target[combiner])
        if kind is None:
            return "any"
        if "format" in target:
            return f"{kind}({target['format']})"
        return kind

    def named_object(self, node: dict) -> str:
        """The component a field's value is (or holds, for arrays and maps) if it is an object
        type of its own, described once under "Data types"; "" otherwise."""
        target, ref, _outer = self.unwrap(node)
        if target.get("type") == "array":
            return self.named_object(target.get("items", {}))
        extra = target.get("additionalProperties")
        if "properties" not in target and isinstance(extra, dict) and extra:
            return self.named_object(extra)
        return ref if ref and "properties" in target else ""

    def field(
        self,
        name: str,
        node: dict,
        *,
        required: bool = False,
        depth: int = 0,
        expand: bool = False,
        request: bool = False,
        ancestors: frozenset = frozenset(),
    ) -> Field:
        target, ref, outer = self.unwrap(node)
        merged = target | outer
        # An array of an enum lists the enum's values.
        values = self.unwrap(target["items"])[0] if target.get("type") == "array" else target
        labels, description = _split_choices(merged.get("description", ""))
        if not labels:
            labels = _split_choices(values.get("description", ""))[0]
        enum = values.get("enum") or []
        item = Field(
            name=name,
            type=self.type_label(node),
            description=_markdown(description),
            required=required,
            nullable=bool(merged.get("nullable")),
            read_only=bool(merged.get("readOnly")),
            write_only=bool(merged.get("writeOnly")),
            deprecated=bool(merged.get("deprecated")),
            enum=[(_literal(v), _choice_label(v, labels)) for v in enum if v is not None],
        )
        for key in ("minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems"):
            if key in merged and not (key == "minLength" and merged[key] == 1 and enum):
                item.constraints.append((key, str(merged[key])))
        if "pattern" in merged:
            item.constraints.append(("pattern", merged["pattern"]))
        if "example" in merged:
            item.example = _literal(merged["example"])
        if "default" in merged:
            item.default = _literal(merged["default"])
        item.link = "" if expand else self.named_object(node)
        if item.link:
            self.linked.add(item.link)
        else:
            item.children = self.children(
                target, depth=depth, expand=expand, request=request, ancestors=ancestors | {ref}
            )
        return item

    def children(
        self,
        target: dict,
        *,
        depth: int = 0,
        expand: bool = False,
        request: bool = False,
        ancestors: frozenset = frozenset(),
    ) -> list[Field]:
        """The fields of an object (or of the objects an array or a map holds): in a request,
        without the read-only ones, in an answer without the write-only ones."""
        if depth >= MAX_DEPTH:
            return []
        extra = target.get("additionalProperties")
        if target.get("type") == "array" or (
            "properties" not in target and isinstance(extra, dict) and extra
        ):
            inner, ref, _outer = self.unwrap(target.get("items", extra or {}))
            if ref and ref in ancestors:
                return []
            return self.children(
                inner, depth=depth, expand=expand, request=request, ancestors=ancestors | {ref}
            )
        required = set(target.get("required", []))
        fields = []
        for name, node in target.get("properties", {}).items():
            child, ref, outer = self.unwrap(node)
            if (child | outer).get("writeOnly" if not request else "readOnly"):
                continue
            if ref and ref in ancestors:  # a recursive schema: its name is enough
                fields.append(Field(name=name, type=self.type_label(node), description=""))
                continue
            fields.append(
                self.field(
                    name,
                    node,
                    required=name in required,
                    depth=depth + 1,
                    expand=expand,
                    request=request,
                    ancestors=ancestors,
                )
            )
        return fields

    def data_types(self) -> list[DataType]:
        """Every object type that a field links to, and those their fields link to."""
        done: dict[str, DataType] = {}
        while pending := sorted(self.linked - done.keys()):
            for name in pending:
                target = self.components.get(name, {})
                done[name] = DataType(
                    name=name,
                    description=_markdown(_split_choices(target.get("description", ""))[1]),
                    fields=self.children(target, ancestors=frozenset({name})),
                )
        return sorted(done.values(), key=lambda t: t.name)

    def example(self, node: dict, *, ancestors: frozenset = frozenset()) -> Any:
        target, ref, outer = self.unwrap(node)
        merged = target | outer
        if "example" in merged:
            return merged["example"]
        if "default" in merged:
            return merged["default"]
        if merged.get("enum"):
            return next((v for v in merged["enum"] if v is not None), None)
        if ref and ref in ancestors:
            return {}
        ancestors = ancestors | {ref}
        kind = target.get("type")
        if kind == "array":
            return [self.example(target.get("items", {}), ancestors=ancestors)]
        if kind == "object" or "properties" in target:
            if "properties" in target:
                return {
                    name: self.example(child, ancestors=ancestors)
                    for name, child in target["properties"].items()
                    if not child.get("writeOnly")
                }
            extra = target.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return {"key": self.example(extra, ancestors=ancestors)}
            return {}
        return EXAMPLES.get((kind, target.get("format")), EXAMPLES.get((kind, None)))

    def request_example(self, node: dict) -> Any:
        """Like example(), without read-only fields (the server fills those in)."""
        value = self.example(node)
        target = self.unwrap(node)[0]
        if isinstance(value, dict):
            read_only = {
                name for name, child in target.get("properties", {}).items()
                if self.unwrap(child)[2].get("readOnly") or self.unwrap(child)[0].get("readOnly")
            }  # fmt: skip
            value = {k: v for k, v in value.items() if k not in read_only}
        return value


# Placeholder values by (type, format); never an address that looks like a real one.
EXAMPLES = {
    ("string", None): "string",
    ("string", "date-time"): "2026-01-31T12:00:00Z",
    ("string", "date"): "2026-01-31",
    ("string", "uri"): "https://…",
    ("string", "email"): "…",
    ("integer", None): 0,
    ("number", None): 0.0,
    ("boolean", None): False,
}


def _literal(value: Any) -> str:
    """A value as it appears in JSON, strings without their quotes (`en`, not `"en"`)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _code(text: str) -> SafeString:
    """Text for a <pre>: escaped, quotes left as they are (a third of a JSON example's bytes)."""
    return SafeString(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))  # nosec B703 - escaped just above


def _pretty(value: Any) -> SafeString:
    return _code(_json_text(value))


def _json_text(value: Any, level: int = 0) -> str:
    """Indented JSON, with short arrays and objects kept on one line."""
    flat = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, dict | list) or not value or len(flat) + 2 * level <= JSON_WIDTH:
        return flat
    inner = "  " * (level + 1)
    if isinstance(value, dict):
        items = [f"{inner}{_json_text(k)}: {_json_text(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}"
    items = [inner + _json_text(v, level + 1) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + "  " * level + "]"


def _location_order(item: tuple[str, list]) -> int:
    return LOCATIONS.index(item[0]) if item[0] in LOCATIONS else len(LOCATIONS)


def _ltr() -> SafeString:
    """The attribute that makes code a left-to-right island, needed on right-to-left pages."""
    return SafeString(' dir="ltr"' if translation.get_language_bidi() else "")  # nosec B703 - a constant attribute


def _island(text: str, *, tag: str = "code") -> SafeString:
    return format_html("<{}{}>{}</{}>", tag, _ltr(), text, tag)


def _src() -> SafeString:
    """The schema's texts are in the default language: say so on pages in another one."""
    if translation.get_language() == settings.LANGUAGE_CODE:
        return SafeString("")
    return SafeString(f' lang="{settings.LANGUAGE_CODE}" dir="auto"')  # nosec B703 - a constant attribute


def _markdown(text: str) -> SafeString:
    """A text of the schema (Markdown) as HTML."""
    if not text:
        return SafeString("")
    # "/c/<slug>/" is a path, not an HTML tag for the sanitiser to drop.
    html = render_markdown(text.replace("<", "&lt;")).replace("<code>", f"<code{_ltr()}>")
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return SafeString(f"<p{_src()}>{html[3:]}")  # nosec B703 - sanitised Markdown of our schema
    return SafeString(f"<div{_src()}>{html}</div>")  # nosec B703 - sanitised Markdown of our schema


def _split_choices(text: str) -> tuple[dict[str, str], str]:
    labels, kept = {}, []
    for line in (text or "").splitlines():
        match = CHOICE_LINE.match(line.strip())
        if match:
            labels[match["value"]] = match["label"]
        else:
            kept.append(line)
    return labels, "\n".join(kept).strip()


def _choice_label(value: Any, labels: dict[str, str]) -> str:
    label = labels.get(str(value), "")
    return "" if label.replace(" ", "_").lower() == str(value).lower() else label


def _bodies(walker: _Walker, content: dict, *, request: bool = False) -> list[Body]:
    bodies = []
    for media_type, media in (content or {}).items():
        node = media.get("schema", {})
        target, ref, _outer = walker.unwrap(node)
        value = walker.request_example(node) if request else walker.example(node)
        example = SafeString("")
        if media_type.endswith("json") and isinstance(value, dict | list):
            example = _pretty(value)
        bodies.append(
            Body(
                media_type=media_type,
                type=walker.type_label(node),
                description=_markdown(_split_choices(target.get("description", ""))[1]),
                # Requests show nested objects in place: "Data types" are those of answers.
                fields=walker.children(
                    target, expand=request, request=request, ancestors=frozenset({ref})
                ),
                example=example,
                value=value if example else None,
            )
        )
    return bodies


def _phrase(code: str) -> str:
    try:
        return http.HTTPStatus(int(code)).phrase
    except ValueError:
        return ""


def _view_facts(view_class) -> dict:
    """What the schema does not carry: scope, throttles, cache headers and CORS of a view."""
    facts = {"scope": "", "throttles": [], "cache": "", "cors": False}
    if view_class is None:
        return facts
    for permission in getattr(view_class, "permission_classes", []):
        if getattr(permission, "scope", ""):
            facts["scope"] = str(permission.scope)
    rates = _rates()
    for throttle in getattr(view_class, "throttle_classes", []):
        scope = getattr(throttle, "scope", "")
        if scope in rates:
            per = "ip"
            if issubclass(throttle, PartnerSignRateThrottle):
                per = "signatures"
            elif issubclass(throttle, PartnerRateThrottle):
                per = "token"
            facts["throttles"].append((rates[scope], per))
    if issubclass(view_class, PublicReadView):
        view = view_class()
        facts["cache"] = (
            f"public, max-age={view.max_age}, stale-while-revalidate={view.stale_while_revalidate}"
        )
        facts["cors"] = True
    elif issubclass(view_class, PartnerView):
        facts["cache"] = "private, no-store"
    return facts


def _rates() -> dict[str, str]:
    return DEFAULT_RATES | getattr(settings, "API_THROTTLE_RATES", {})


def _curl(site: str, method: str, path: str, *, token: bool, body: Any) -> str:
    """A curl command, for operations that take more than the path (a plain GET: none)."""
    if method == "get" and not token and body is None:
        return ""
    parts = ["curl"]
    if method != "get":
        parts.append(f"-X {method.upper()}")
    if token:
        parts.append('-H "Authorization: Bearer $TOKEN"')
    if body is not None:
        compact = json.dumps(body, ensure_ascii=False)
        parts.append("-H 'Content-Type: application/json'")
        parts.append(f"-d '{compact}'")
    parts.append(f"'{site}{path}'")
    return " \\\n  ".join(parts)


def build(schema: dict, views: dict) -> Reference:
    walker = _Walker(schema)
    site = settings.SITE_URL
    groups: dict[str, Group] = {}
    for path, item in schema.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            facts = _view_facts(views.get((_path_shape(path), method)))
            token = bool(operation.get("security")) and {} not in operation["security"]
            parameters: dict[str, list[Field]] = {}
            for p in shared + operation.get("parameters", []):
                node = p.get("schema", {}) | {k: p[k] for k in ("description", "example") if k in p}
                parameters.setdefault(p.get("in", "query"), []).append(
                    walker.field(p["name"], node, required=bool(p.get("required")))
                )
            request = operation.get("requestBody", {})
            request_bodies = _bodies(walker, request.get("content", {}), request=True)
            responses, error_codes = [], []
            for code, answer in operation.get("responses", {}).items():
                content = answer.get("content", {})
                is_error = code[:1] in "45"
                refs = {walker.unwrap(m.get("schema", {}))[1] for m in content.values()}
                if is_error and refs <= {ERROR_SCHEMA} and not answer.get("description"):
                    error_codes.append(code)  # the common body, described once
                    continue
                responses.append(
                    Answer(
                        code=code,
                        phrase=_phrase(code),
                        description=_markdown(answer.get("description", "")),
                        bodies=_bodies(walker, content),
                    )
                )
            example_body = next((b.value for b in request_bodies if b.value is not None), None)
            tag = (operation.get("tags") or ["api"])[0]
            if tag not in groups:
                title = str(TAG_TITLES.get(tag, tag))
                groups[tag] = Group(tag=tag, title=title, anchor=f"tag-{tag}", operations=[])
            group = groups[tag]
            group.operations.append(
                Operation(
                    anchor="op-" + operation.get("operationId", f"{method}-{path}"),
                    method=method.upper(),
                    path=path,
                    path_html=SafeString(escape(path).replace("/", "/<wbr>")),  # nosec B703 - escaped path
                    summary=operation.get("summary", ""),
                    description=_markdown(operation.get("description", "")),
                    deprecated=bool(operation.get("deprecated")),
                    token=token,
                    scope=facts["scope"],
                    throttles=facts["throttles"],
                    cache=facts["cache"],
                    cors=facts["cors"],
                    parameters=sorted(parameters.items(), key=_location_order),
                    request=request_bodies,
                    request_required=bool(request.get("required")),
                    responses=responses,
                    error_codes=error_codes,
                    curl=_code(_curl(site, method, path, token=token, body=example_body)),
                )
            )
    error = walker.components.get(ERROR_SCHEMA, {})
    info = schema.get("info", {})
    return Reference(
        title=info.get("title", ""),
        version=info.get("version", ""),
        description=_markdown(info.get("description", "")),
        groups=list(groups.values()),
        error_fields=walker.children(error, expand=True, ancestors=frozenset({ERROR_SCHEMA})),
        data_types=walker.data_types(),
        error_example=_pretty(walker.example(error)) if error else SafeString(""),
        scopes=[(value, str(label)) for value, label in PartnerToken.Scope.choices],
        rates={scope: _island(rate, tag="span") for scope, rate in _rates().items()},
        max_body_kb=MAX_BODY_BYTES // 1024,
        site=_island(site),
        auth_header=_island('WWW-Authenticate: Bearer realm="api"'),
        retry_after=_island("Retry-After"),
        allow_origin=_island("Access-Control-Allow-Origin: *"),
        if_none_match=_island("If-None-Match"),
        content_type=_island("Content-Type: application/json"),
        error_fields_name=_island("error.fields"),
    )


_lock = threading.Lock()
_schema: tuple[dict, dict] | None = None
_pages: dict[tuple[str, str], SafeString] = {}


def reference_html(language: str) -> SafeString:
    """The rendered reference in `language`, built once per process (it changes with a deploy)."""
    key = (language, settings.SITE_URL)
    html = _pages.get(key)
    if html is None:
        # One build at a time: a deploy's first visitors must not generate the schema ten times.
        with _lock:
            html = _pages.get(key)
            if html is None:
                html = _pages[key] = _render(language)
    return html


def _render(language: str) -> SafeString:
    global _schema
    if _schema is None:
        _schema = generate_schema()
    with translation.override(language):
        reference = build(*_schema)
        context = {"ref": reference, "ltr": _ltr(), "src": _src()}
        return SafeString(render_to_string("api/reference.html", context))  # nosec B703 - a rendered template
