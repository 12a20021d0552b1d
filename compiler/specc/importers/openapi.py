"""OpenAPI operations to functions: parameters and body as arguments, 2xx as result, errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from referencing.exceptions import Unresolvable

from specc.importers.model import Decl, Field, Function, Named, Rule, Type, optional
from specc.importers.names import Names, member_name
from specc.importers.schemas import SchemaMapper
from specc.naming import pascal

if TYPE_CHECKING:
    from referencing._core import Resolver

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
NO_CONTENT = "NoContent"


@dataclass
class Pending:
    """An operation's example values, written once every declaration is known."""

    function: Function
    pointer: str
    args: list[tuple[Field, Any, bool]] = field(default_factory=list)
    """Each parameter, its example value, and whether it has one."""
    result: Any = None
    has_result: bool = False


class OperationMapper:
    """Maps the operations of an OpenAPI document to functions, each in its rule."""

    def __init__(self, schemas: SchemaMapper, document: dict[str, Any]) -> None:
        self.schemas = schemas
        self.document = document
        self.functions = Names()
        self.errors: dict[tuple[str, int], str] = {}
        self.errors_rule: Rule | None = None
        self.pending: list[Pending] = []

    def run(self) -> None:
        """Map every operation under `paths`."""
        paths = self.document.get("paths") or {}
        for path, item in paths.items() if isinstance(paths, dict) else []:
            pointer = "/paths/" + path.replace("~", "~0").replace("/", "~1")
            item, resolver = self.resolve(item, self.schemas.resolver)
            if not isinstance(item, dict):
                continue
            common = item.get("parameters") or []
            for method in METHODS:
                if isinstance(item.get(method), dict):
                    self.operation(
                        path,
                        method,
                        item[method],
                        common,
                        f"{pointer}/{method}",
                        resolver,
                    )

    def resolve(self, node: Any, resolver: Resolver) -> tuple[Any, Resolver]:
        """Return a node with its `$ref` (to a parameter, body or response) followed."""
        for _ in range(8):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            try:
                found = resolver.lookup(node["$ref"])
            except Unresolvable:
                return None, resolver
            node, resolver = found.contents, found.resolver
        return node, resolver

    def operation(
        self,
        path: str,
        method: str,
        op: dict[str, Any],
        common: list[Any],
        pointer: str,
        resolver: Resolver,
    ) -> None:
        """Map one operation to a function in a rule of its own."""
        raw_id = op.get("operationId")
        op_id = raw_id if isinstance(raw_id, str) else f"{method} {path}"
        rule = Rule(
            self.schemas.rule_ids.rule_id(op_id), str(op.get("summary") or op_id)
        )
        for text in (op.get("description"),):
            if isinstance(text, str) and text.strip():
                rule.prose.append(text)
        rule.prose.append(f"`{method.upper()} {path}`")
        self.schemas.rules.append(rule)
        outer, self.schemas.current = self.schemas.current, rule
        try:
            fn = Function(self.functions.fresh(rule.id), [], Named(NO_CONTENT), [])
            pending = Pending(fn, pointer)
            self.parameters(op, common, pointer, resolver, pending)
            self.body(op, pointer, resolver, pending)
            self.responses(op, pointer, resolver, pending)
            for key in ("callbacks",):
                if key in op:
                    self.schemas.warn(
                        f"{pointer}/{key}",
                        f"`{key}` has no equivalent in a spec; dropped",
                    )
        finally:
            self.schemas.current = outer
        rule.function = fn
        self.pending.append(pending)

    def parameters(
        self,
        op: dict[str, Any],
        common: list[Any],
        pointer: str,
        resolver: Resolver,
        pending: Pending,
    ) -> None:
        """Add the path, query, header and cookie parameters as arguments."""
        names = Names()
        chosen: dict[tuple[str, str], tuple[Any, str, Resolver]] = {}
        for where, params in (
            ("parameters", common),
            ("parameters", op.get("parameters") or []),
        ):
            for i, raw in enumerate(params if isinstance(params, list) else []):
                param, found = self.resolve(raw, resolver)
                if isinstance(param, dict) and isinstance(param.get("name"), str):
                    chosen[(param["name"], str(param.get("in")))] = (
                        param,
                        f"{pointer}/{where}/{i}",
                        found,
                    )
        for (name, _), (param, where, found) in chosen.items():
            schema = param.get("schema")
            if schema is None and isinstance(param.get("content"), dict):
                media: Any = next(iter(param["content"].values()), {})
                schema = media.get("schema") if isinstance(media, dict) else None
            hint = pascal(pending.function.name) + pascal(name)
            mapped = self.schemas.map(
                schema if schema is not None else {}, f"{where}/schema", hint, found
            )
            t: Type = mapped.type if param.get("required") else optional(mapped.type)
            arg = Field(names.fresh(member_name(name)), t)
            pending.function.params.append(arg)
            example, has = _example(param, schema)
            pending.args.append((arg, example, has))

    def body(
        self, op: dict[str, Any], pointer: str, resolver: Resolver, pending: Pending
    ) -> None:
        """Add the request body, if any, as the argument `body`."""
        body, found = self.resolve(op.get("requestBody"), resolver)
        if not isinstance(body, dict):
            return
        media, key = _json_media(body.get("content"))
        if media is None:
            return
        where = f"{pointer}/requestBody/content/{key.replace('/', '~1')}"
        mapped = self.schemas.map(
            media.get("schema", {}),
            f"{where}/schema",
            pascal(pending.function.name) + "Body",
            found,
        )
        t = mapped.type if body.get("required") else optional(mapped.type)
        taken = {p.name for p in pending.function.params}
        arg = Field("body" if "body" not in taken else "request_body", t)
        pending.function.params.append(arg)
        example, has = _example(media, media.get("schema"))
        pending.args.append((arg, example, has))

    def responses(
        self, op: dict[str, Any], pointer: str, resolver: Resolver, pending: Pending
    ) -> None:
        """Make the first 2xx response the result, and 4xx, 5xx and default the errors."""
        found_responses = op.get("responses")
        responses: dict[str, Any] = (
            found_responses if isinstance(found_responses, dict) else {}
        )
        fn = pending.function
        success = sorted(str(c) for c in responses if str(c).startswith("2"))
        for code, raw in responses.items():
            code = str(code)
            response, found = self.resolve(raw, resolver)
            if not isinstance(response, dict):
                continue
            media, key = _json_media(response.get("content"))
            where = (
                f"{pointer}/responses/{code}/content/{key.replace('/', '~1')}/schema"
            )
            if success and code == success[0]:
                if media is None:
                    fn.returns = self.no_content()
                    continue
                hint = pascal(fn.name) + "Result"
                fn.returns = self.schemas.map(
                    media.get("schema", {}), where, hint, found
                ).type
                pending.result, pending.has_result = _example(
                    media, media.get("schema")
                )
            elif (code[:1] in "45" or code == "default") and media is not None:
                fn.raises.append(
                    self.error(code, media.get("schema", {}), where, found)
                )
        if not success:
            fn.returns = self.no_content()

    def no_content(self) -> Named:
        """Return the empty record that stands for a response without a body."""
        if not any(d.name == NO_CONTENT for r in self.schemas.rules for d in r.decls):
            rule = self.error_rule()
            self.schemas.types.taken.add(NO_CONTENT)
            rule.decls.append(
                Decl("record", NO_CONTENT, ["A response without a body."])
            )
        return Named(NO_CONTENT)

    def error_rule(self) -> Rule:
        """Return the rule that holds the errors and the empty response."""
        if self.errors_rule is None:
            self.errors_rule = Rule(
                self.schemas.rule_ids.rule_id("responses"), "Responses"
            )
            self.errors_rule.prose.append(
                "Error responses, and the empty response, shared by the operations."
            )
            self.schemas.rules.append(self.errors_rule)
        return self.errors_rule

    def error(self, code: str, schema: Any, pointer: str, resolver: Resolver) -> str:
        """Return the error a response of status ``code`` raises, declared once per schema."""
        target, _ = self.resolve(schema, resolver)
        key = (code, id(target))
        if key in self.errors:
            return self.errors[key]
        rule = self.error_rule()
        outer, self.schemas.current = self.schemas.current, rule
        try:
            mapped = self.schemas.map(schema, pointer, "Error" + code, resolver)
        finally:
            self.schemas.current = outer
        name = self.schemas.types.type_name(_status_name(code))
        decl = Decl(
            "error", name, [f"The response of status {code}."], message=f"status {code}"
        )
        record = self.record(mapped.type)
        decl.fields = (
            [
                Field(
                    f.name, f.type, list(f.doc), f.default, f.has_default, f.json_name
                )
                for f in record.fields
            ]
            if record
            else [Field("body", mapped.type)]
        )
        rule.decls.append(decl)
        self.errors[key] = name
        return name

    def fill_errors(self) -> None:
        """Give each error the fields of its response's record, or one field `body`."""
        for decl in self.error_rule().decls if self.errors_rule else []:
            if decl.kind != "error" or decl.target is None:
                continue
            record = self.record(decl.target)
            if record is None:
                decl.fields = [Field("body", decl.target)]
            else:
                decl.fields = [
                    Field(
                        f.name,
                        f.type,
                        list(f.doc),
                        f.default,
                        f.has_default,
                        f.json_name,
                        f.pointer,
                    )
                    for f in record.fields
                ]
            decl.target = None

    def record(self, t: Type) -> Decl | None:
        """Return the record a type names, if it is one."""
        if isinstance(t, Named):
            for rule in self.schemas.rules:
                for decl in rule.decls:
                    if decl.name == t.name and decl.kind == "record":
                        return decl
        return None


def _status_name(code: str) -> str:
    if code == "default":
        return "UnexpectedError"
    if code.upper() in ("4XX", "5XX"):
        return "ClientError" if code.startswith("4") else "ServerError"
    try:
        return pascal(HTTPStatus(int(code)).phrase)
    except ValueError:
        return "Status" + code


def _json_media(content: Any) -> tuple[dict[str, Any] | None, str]:
    """Return the JSON media type object of a `content` map, and its key."""
    if not isinstance(content, dict) or not content:
        return None, ""
    keys = [k for k in content if "json" in str(k)] or list(content)
    media = content[keys[0]]
    return (media if isinstance(media, dict) else None), str(keys[0])


def _example(holder: dict[str, Any], schema: Any) -> tuple[Any, bool]:
    """Return the example value of a parameter or media type, and whether there is one."""
    if "example" in holder:
        return holder["example"], True
    examples = holder.get("examples")
    if isinstance(examples, dict):
        for example in examples.values():
            if isinstance(example, dict) and "value" in example:
                return example["value"], True
    if isinstance(schema, dict):
        if "example" in schema:
            return schema["example"], True
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return schema["examples"][0], True
    return None, False
