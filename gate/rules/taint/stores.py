"""DynamoDB tables and S3 buckets as places event data is kept between functions.

A call writes to or reads from a store when it is a data call of DynamoDB or S3 on a
store the code names: `table.put_item(...)` on `dynamodb.Table(name)`,
`client.put_item(TableName=name, ...)`, `s3.put_object(Bucket=name, ...)`,
`s3.Object(name, key).get()`, `s3.upload_fileobj(f, name, key)`. The name is what the
code passes: a literal (`lit:orders`) or an environment variable (`env:TABLE_NAME`),
followed through the module's assignments; any other name is not a store the gate can
match, and the call is not followed.

What an environment variable names is the function's IaC's business
(gate.rules.taint.second_order matches writers and readers through it).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from gate.rules.taint.module import ModuleIndex

DYNAMODB_WRITES = frozenset({"put_item", "update_item", "batch_write_item"})
DYNAMODB_READS = frozenset({"get_item", "query", "scan", "batch_get_item"})
S3_WRITES = frozenset({"put_object", "upload_fileobj"})
S3_READS = frozenset({"get_object"})
OBJECT_METHODS = {"put": "write", "get": "read"}
"""Methods of an `s3.Object(bucket, key)`."""
WRITTEN_DATA = ("Item", "RequestItems", "ExpressionAttributeValues", "Body", "AttributeUpdates")
"""The keyword arguments that carry what a write stores."""

_ENVIRON = ("os.environ", "environ")
_GETENV = ("os.getenv", "getenv", "os.environ.get", "environ.get")
_DEPTH = 4
"""How many assignments a store's name or object is followed through."""


@dataclass(frozen=True)
class StoreCall:
    """A call that writes to or reads from a store."""

    direction: str
    """`write` or `read`."""
    store: str
    """`dynamodb:env:TABLE_NAME`, `s3:lit:uploads`."""
    data: tuple[ast.expr, ...] = ()
    """For a write, the arguments that carry what is stored."""


def store_call(
    call: ast.Call, index: ModuleIndex, defs: Mapping[str, ast.expr]
) -> StoreCall | None:
    """What `call` does with a store, if it is a data call on a store the code names."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    method = func.attr
    receiver = _followed(func.value, index, defs)
    if method in DYNAMODB_WRITES | DYNAMODB_READS:
        name = _keyword(call, "TableName")
        if name is None and _made_by(receiver, "Table"):
            name = _first(receiver)
        return _call(call, "dynamodb", name, method in DYNAMODB_WRITES, index, defs)
    if method in S3_WRITES | S3_READS:
        name = _keyword(call, "Bucket")
        if name is None and method == "upload_fileobj" and len(call.args) > 1:
            name = call.args[1]
        if name is None and _made_by(receiver, "Bucket"):
            name = _first(receiver)
        written = tuple(call.args[:1]) if method == "upload_fileobj" else ()
        return _call(call, "s3", name, method in S3_WRITES, index, defs, written)
    if method in OBJECT_METHODS and _made_by(receiver, "Object"):
        write = OBJECT_METHODS[method] == "write"
        return _call(call, "s3", _first(receiver, "bucket_name"), write, index, defs)
    return None


def _call(
    call: ast.Call,
    service: str,
    name: ast.expr | None,
    write: bool,
    index: ModuleIndex,
    defs: Mapping[str, ast.expr],
    written: tuple[ast.expr, ...] = (),
) -> StoreCall | None:
    store = _name(name, index, defs) if name is not None else None
    if store is None:
        return None
    if not write:
        return StoreCall("read", f"{service}:{store}")
    data = written + tuple(k.value for k in call.keywords if k.arg in WRITTEN_DATA or not k.arg)
    return StoreCall("write", f"{service}:{store}", data)


def _name(node: ast.expr, index: ModuleIndex, defs: Mapping[str, ast.expr]) -> str | None:
    """`lit:orders` or `env:TABLE_NAME` for what a store name is written as; None for
    anything else (an f-string, a parameter, a value from a call)."""
    node = _followed(node, index, defs)
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return f"lit:{node.value}"
    if isinstance(node, ast.Subscript) and ast.unparse(node.value) in _ENVIRON:
        key = node.slice
    elif (
        isinstance(node, ast.Call)
        and ast.unparse(node.func) in _GETENV
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        key = node.args[0]
    else:
        return None
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return f"env:{key.value}"
    return None


def _followed(node: ast.expr, index: ModuleIndex, defs: Mapping[str, ast.expr]) -> ast.expr:
    """What a name stands for, through the function's and the module's assignments."""
    for _ in range(_DEPTH):
        if not isinstance(node, ast.Name):
            break
        bound = defs.get(node.id, index.values.get(node.id))
        if bound is None:
            break
        node = bound
    return node


def _made_by(node: ast.expr, factory: str) -> bool:
    """`node` is a call of a method named `factory` (`resource.Table(...)`)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == factory
    )


def _first(call: ast.expr, keyword: str = "name") -> ast.expr | None:
    if not isinstance(call, ast.Call):
        return None
    return call.args[0] if call.args else _keyword(call, keyword)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)
