"""The demo projects, rebuilt from the published figures of seed reports 001, 002, 003 and 004.

Seeds 001 and 002 are single projects (``SEED_KEYS``); seed 003 is a multi-programme project
(``PROGRAMME_SEED_KEYS``: five social-assistance programmes of 呈贡区民政局, 2019); seed 004 is a
department-level self-evaluation (``DEPARTMENT_SEED_KEYS``: a Changsha district federation's project
groups and 民生实事 tasks, 2022). ``DEMO_KEYS`` is every seed ``jixiao demo`` reproduces.

Each is package data (``demo/data/seedNNN.json``) whose keys mirror the ``ProjectInput``
dataclasses: amounts, weights and scores are strings turned into ``Decimal`` (never binary
floats), dates are ISO strings. Keys left out take the dataclass default.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import MISSING, fields, is_dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources

from jixiao.scoring.inputs import ProjectInput

SEED_KEYS = ("001", "002")
PROGRAMME_SEED_KEYS = ("003",)
DEPARTMENT_SEED_KEYS = ("004",)
DEMO_KEYS = (*SEED_KEYS, *PROGRAMME_SEED_KEYS, *DEPARTMENT_SEED_KEYS)
# Seeds whose outputs are written but not stored, and why: a stored project needs its region in the tree, and
# the shipped tree is Yunnan's (seed 004 is a Changsha district).
NOT_STORED = {"004": "开福区（湖南省长沙市）不在随附的区划中（只含云南省），本演示项目只生成文件，不写入数据库"}

_FOLDERS = {
    "001": "001_残疾人养老保险补助经费",
    "002": "002_残疾人服务状况和需求调查补助经费",
    "003": "003_呈贡区社会救助资金（多项目）",
    "004": "004_开福区残联项目支出（部门整体）",
}


class SeedError(ValueError):
    pass


def _check_key(key: str) -> None:
    if key not in DEMO_KEYS:
        raise SeedError(f"未知的演示项目“{key}”。可用的演示项目：{'、'.join(DEMO_KEYS)}")


def seed_folder_name(key: str) -> str:
    """Folder (under the demo output directory) that receives this project's outputs."""
    _check_key(key)
    return _FOLDERS[key]


def _convert(tp, value, where: str):
    """JSON value → the annotated Python type (only the types ProjectInput uses)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        if len(args) != 1:
            raise SeedError(f"{where}：不支持的类型 {tp}")
        return _convert(args[0], value, where)
    if origin is list:
        (item,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise SeedError(f"{where}：应为列表")
        return [_convert(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(value, list) or len(value) != len(args):
            raise SeedError(f"{where}：应为 {len(args)} 项的列表")
        return tuple(_convert(a, v, where) for a, v in zip(args, value, strict=True))
    if origin is dict:
        key_type, value_type = typing.get_args(tp)
        if not isinstance(value, dict):
            raise SeedError(f"{where}：应为对象")
        return {_convert(key_type, k, where): _convert(value_type, v, f"{where}.{k}") for k, v in value.items()}
    if is_dataclass(tp):
        return _build(tp, value, where)
    if tp is Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise SeedError(f"{where}：数值须写成字符串（如 \"317.395\"），不能用浮点数")
        try:
            return Decimal(str(value))
        except InvalidOperation as exc:
            raise SeedError(f"{where}：“{value}”不是数字") from exc
    if tp is date:
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError) as exc:
            raise SeedError(f"{where}：“{value}”不是 ISO 日期（YYYY-MM-DD）") from exc
    if tp is bool:
        if not isinstance(value, bool):
            raise SeedError(f"{where}：应为 true 或 false")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SeedError(f"{where}：应为整数")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise SeedError(f"{where}：应为文字")
        return value
    raise SeedError(f"{where}：不支持的类型 {tp}")


def _build(cls, data, where: str):
    if not isinstance(data, dict):
        raise SeedError(f"{where}：应为对象")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise SeedError(f"{where}：无法识别的字段 {'、'.join(sorted(unknown))}")
    kwargs = {}
    for f in fields(cls):
        if f.name in data:
            kwargs[f.name] = _convert(hints[f.name], data[f.name], f"{where}.{f.name}")
        elif f.default is MISSING and f.default_factory is MISSING:
            raise SeedError(f"{where}：缺少字段 {f.name}")
    return cls(**kwargs)


def project_from_dict(data: dict, where: str = "project") -> ProjectInput:
    return _build(ProjectInput, data, where)


def load_seed(key: str) -> ProjectInput:
    """A fresh ProjectInput for seed ``key`` (the engine may fill in some actuals: never shared)."""
    _check_key(key)
    name = f"seed{key}.json"
    raw = json.loads(resources.files("jixiao.demo").joinpath("data", name).read_text("utf-8"))
    return project_from_dict(raw, name)


__all__ = ["SEED_KEYS", "PROGRAMME_SEED_KEYS", "DEPARTMENT_SEED_KEYS", "DEMO_KEYS", "NOT_STORED", "load_seed", "seed_folder_name", "project_from_dict", "SeedError"]
