"""Writes of the region tree. Each service is one transaction and leaves one change record.

The materialised ``path`` is written here and nowhere else: moving a region (a new parent or a new
code) rewrites the paths of its whole subtree in one UPDATE, so scoping by path prefix stays right
for every township and village below it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models.functions import Concat, Length, Substr

from jixiao.regions.catalog import load_catalog

LEVEL_LABELS = {"province": "省", "city": "市", "county": "县（市、区）", "zone": "功能区", "township": "乡镇/街道",
                "village": "村/社区"}
# The levels a region of each level may hang under. A township may hang directly under a city where
# the city has no counties (东莞、中山、儋州 in the NBS tree).
PARENT_LEVELS = {
    "province": (),
    "city": ("province",),
    "county": ("city",),
    "zone": ("city",),
    "township": ("county", "zone", "city"),
    "village": ("township",),
}
EDITABLE = ("code", "gb_code", "name", "short_name", "aliases", "level", "parent", "city_share", "county_share")
CODE_PATTERN = re.compile(r"[0-9A-Z][0-9A-Z-]{0,19}")  # no "/" (the path separator), no LIKE wildcards
GB_CODE_PATTERN = re.compile(r"\d{6}|\d{9}|\d{12}")
PATH_MAX = 255


class RegionError(ValueError):
    """A region write that would break the tree; the message says why (Chinese, for the user)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _region_model():
    from jixiao.regions.models import Region

    return Region


def _label(value) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def region_check(values: dict, *, region=None) -> None:
    """Raise RegionError for the first thing wrong with these field values (``region``: the row being
    changed, as stored before the change; None for a new one). The admin form asks it too, so a wrong
    edit is shown on the form rather than refused at save."""
    region_model = _region_model()
    code, name, level, parent = values["code"], values["name"], values["level"], values["parent"]
    if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
        raise RegionError(f"区划代码应由数字、大写字母和连字符组成（不超过20位），实际为“{code}”", "code")
    clash = region_model.objects.filter(code=code).exclude(pk=getattr(region, "pk", None)).first()
    if clash is not None:
        raise RegionError(f"区划代码“{code}”已被“{clash.name}”使用", "code")
    if not name or len(name) > 60:
        raise RegionError("名称不能为空，且不超过60个字", "name")
    if level not in PARENT_LEVELS:
        raise RegionError(f"未知的层级“{level}”", "level")
    allowed = PARENT_LEVELS[level]
    if parent is None and allowed:
        raise RegionError(f"{LEVEL_LABELS[level]}必须有上级区划（{'或'.join(LEVEL_LABELS[a] for a in allowed)}）", "parent")
    if parent is not None:
        if region is not None and (parent.pk == region.pk or parent.path.startswith(region.path)):
            raise RegionError(f"不能把“{region.name}”移到它自己或它的下级“{parent.name}”之下", "parent")
        if not allowed:
            raise RegionError(f"{LEVEL_LABELS[level]}是最高一级，不能有上级区划", "parent")
        if parent.level not in allowed:
            raise RegionError(f"{LEVEL_LABELS[level]}的上级应为{'或'.join(LEVEL_LABELS[a] for a in allowed)}，"
                              f"“{parent.name}”是{LEVEL_LABELS.get(parent.level, parent.level)}", "parent")
    if region is not None and level != region.level:
        for child_level in region.children.values_list("level", flat=True).distinct():
            if level not in PARENT_LEVELS[child_level]:
                raise RegionError(f"“{region.name}”下有{LEVEL_LABELS[child_level]}，不能改为{LEVEL_LABELS[level]}",
                                  "level")
    gb_code = values.get("gb_code")
    if gb_code is not None:
        if not GB_CODE_PATTERN.fullmatch(gb_code):
            raise RegionError(f"国标代码应为6、9或12位数字，实际为“{gb_code}”", "gb_code")
        clash = region_model.objects.filter(gb_code=gb_code).exclude(pk=getattr(region, "pk", None)).first()
        if clash is not None:
            raise RegionError(f"国标代码“{gb_code}”已被“{clash.name}”使用", "gb_code")
    city, county = values.get("city_share"), values.get("county_share")
    if (city is None) != (county is None) or (city is not None and (city + county != 10 or min(city, county) < 0)):
        raise RegionError("市级、县级分担比例应同时填写（或同时留空），两者之和为10成", "city_share")


def _path(code: str, parent) -> str:
    return (parent.path if parent is not None else "") + code + "/"


def _move_subtree(region_model, old_prefix: str, new_prefix: str) -> int:
    """Rewrite the paths of every descendant of the region whose path was ``old_prefix``: one UPDATE
    (``SET path = new_prefix || SUBSTR(path, len(old_prefix) + 1) WHERE path LIKE old_prefix || '%'``).
    The second condition keeps it exact where LIKE ignores case (SQLite). Returns the rows changed."""
    n = len(old_prefix)
    return (
        region_model.objects.filter(path__startswith=old_prefix)
        .exclude(path=old_prefix)
        .annotate(_head=Substr("path", 1, n))
        .filter(_head=old_prefix)
        .update(path=Concat(models.Value(new_prefix), Substr("path", n + 1), output_field=models.CharField()))
    )


def _check_depth(region_model, old_prefix: str, new_prefix: str) -> None:
    longest = (region_model.objects.filter(path__startswith=old_prefix)
               .aggregate(n=models.Max(Length("path")))["n"] or len(old_prefix))
    if longest - len(old_prefix) + len(new_prefix) > PATH_MAX:
        raise RegionError(f"移动后下级区划的路径将超过{PATH_MAX}个字符：层级过深", "parent")


def region_values(values: dict) -> dict:
    """Field values as stored: codes and names trimmed, an empty 国标代码 as NULL, aliases as a list."""
    out = dict(values)
    for key in ("code", "name", "short_name"):
        if isinstance(out.get(key), str):
            out[key] = out[key].strip()
    if out.get("gb_code") in ("", None):
        out["gb_code"] = None
    else:
        out["gb_code"] = str(out["gb_code"]).strip()
    out["aliases"] = [str(a).strip() for a in (out.get("aliases") or []) if str(a).strip()]
    out["short_name"] = out.get("short_name") or ""
    return out


def region_create(*, actor, code: str, name: str, level: str, parent=None, gb_code: str | None = None,
                  short_name: str = "", aliases: Iterable[str] = (), city_share: int | None = None,
                  county_share: int | None = None, note: str = ""):
    """A new region under ``parent`` (validated: code, level below its parent, cost share)."""
    from jixiao.changelog.models import ChangeRecord
    from jixiao.changelog.services import change_record

    region_model = _region_model()
    values = region_values({"code": code, "name": name, "level": level, "parent": parent, "gb_code": gb_code,
                            "short_name": short_name, "aliases": list(aliases), "city_share": city_share,
                            "county_share": county_share})
    with transaction.atomic():
        if parent is not None:
            parent = values["parent"] = region_model.objects.select_for_update().get(pk=parent.pk)
        region_check(values)
        region = region_model(**values, path=_path(values["code"], parent))
        region.save()
        change_record(actor=actor, action=ChangeRecord.Action.CREATE, obj=region, note=note or "新增区划",
                      changes={str(region_model._meta.get_field(k).verbose_name): [None, _label(v)]
                               for k, v in values.items() if _label(v) is not None})
    return region


def region_update(*, actor, region, note: str = "", **changes):
    """Change a region's fields (any of EDITABLE). A new parent or code moves the region and rewrites
    the paths of all its descendants in the same transaction; a cycle (under its own descendant) or a
    parent of the wrong level is refused. Returns the region as stored."""
    from jixiao.changelog.models import ChangeRecord
    from jixiao.changelog.services import change_record

    region_model = _region_model()
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"region_update: unknown fields {sorted(unknown)}")
    with transaction.atomic():
        stored = region_model.objects.select_for_update().get(pk=region.pk)
        before = {k: getattr(stored, k) for k in EDITABLE}
        values = region_values({**before, **changes})
        if values["parent"] is not None:
            values["parent"] = region_model.objects.get(pk=values["parent"].pk)  # its current path
        region_check(values, region=stored)
        old_path, new_path = stored.path, _path(values["code"], values["parent"])
        if new_path != old_path:
            _check_depth(region_model, old_path, new_path)
        diff = {}
        for key in EDITABLE:
            old, new = before[key], values[key]
            same = (old.pk if hasattr(old, "pk") else old) == (new.pk if hasattr(new, "pk") else new)
            if not same:
                diff[str(region_model._meta.get_field(key).verbose_name)] = [_label(old), _label(new)]
            setattr(stored, key, new)
        moved = 0
        if new_path != old_path:
            moved = _move_subtree(region_model, old_path, new_path)
            stored.path = new_path
        stored.save()
        if diff:
            text = note or "修改区划"
            if moved:
                text += f"（下级{moved}个区划的路径随之更新）"
            change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=stored, changes=diff, note=text)
    return stored


def region_delete(*, actor, region, note: str = "") -> None:
    """Delete a region that has no sub-regions and nothing pointing at it."""
    from django.db.models import ProtectedError

    from jixiao.changelog.models import ChangeRecord
    from jixiao.changelog.services import change_record

    with transaction.atomic():
        children = region.children.count()
        if children:
            raise RegionError(f"“{region.name}”下还有{children}个下级区划，不能删除")
        change_record(actor=actor, action=ChangeRecord.Action.DELETE, obj=region, note=note or "删除区划")
        try:
            with transaction.atomic():
                region.delete()
        except ProtectedError as exc:
            kinds = sorted({str(o._meta.verbose_name) for o in exc.protected_objects})
            raise RegionError(f"“{region.name}”仍被{'、'.join(kinds)}引用，不能删除") from None


def _has_partition(region_model) -> bool:
    return any(f.name == "list_partition" for f in region_model._meta.concrete_fields)


def region_sync_catalog(region_model=None) -> int:
    """Insert or update the shipped regions (idempotent). Returns how many were written.

    Takes the model class so the data migration can pass its historical model.
    """
    if region_model is None:
        region_model = _region_model()
    written = 0
    by_code = {}
    for entry in load_catalog():  # parents come before children in the file
        parent = by_code.get(entry.parent) if entry.parent else None
        city, county = (int(x) for x in entry.cost_share.split(":")) if entry.cost_share else (None, None)
        path = (parent.path if parent else "") + entry.code + "/"
        defaults = {
            "gb_code": entry.gb_code, "name": entry.name, "short_name": entry.short_name,
            "aliases": list(entry.aliases) + list(entry.former_codes), "level": entry.level,
            "parent": parent, "path": path, "city_share": city, "county_share": county,
        }
        # a new region's partition is set by Region.save (the data migration's model predates the field)
        obj, _ = region_model.objects.update_or_create(code=entry.code, defaults=defaults)
        by_code[entry.code] = obj
        written += 1
    return written


# -- loads of the NBS tree ------------------------------------------------------------------------


class LoadInvalid(Exception):
    """Rows that cannot be loaded; nothing was written. ``problems``: one line each (where and why)."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems[:20]))
        self.problems = problems


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)  # level → rows added
    updated: int = 0  # rows whose name, level or parent changed
    unchanged: int = 0
    kept: int = 0  # rows of the shipped county list (authoritative: never changed by a load)
    completed: list[str] = field(default_factory=list)  # codes of the county-level units now complete
    completed_levels: list[str] = field(default_factory=list)  # … for these levels (township, village)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    def summary(self) -> str:
        parts = [f"新增{self.total_created}个"]
        if self.created:
            short = {"province": "省", "city": "市", "county": "县级", "township": "乡镇/街道", "village": "村/社区"}
            parts[0] += "（" + "、".join(f"{short[lv]}{n}" for lv, n in self.created.items()) + "）"
        parts.append(f"更新{self.updated}个")
        parts.append(f"未变{self.unchanged}个")
        if self.kept:
            parts.append(f"沿用内置县区名录{self.kept}个")
        return "，".join(parts)


def region_load(*, actor, rows, prefix: str = "", source: str) -> LoadResult:
    """Upsert NBS rows (``jixiao.regions.nbs.NbsRow``, parents before children) by code: one transaction,
    one change record for the whole load. The shipped county list (catalog: names, aliases, functional
    zones, cost shares) stays as it is. County-level units the load covers whole (code within
    ``prefix``) are marked complete for the levels the rows include. Raises LoadInvalid."""
    from jixiao.changelog.models import ChangeRecord
    from jixiao.changelog.services import change_record

    with transaction.atomic():
        result = load_rows(_region_model(), rows, prefix=prefix)
        change_record(actor=actor, action=ChangeRecord.Action.IMPORT, object_type="行政区划",
                      object_label=f"统计用区划代码（{source}，前缀 {prefix or '全部'}）",
                      changes={"新增": [None, result.total_created], "更新": [None, result.updated],
                               "未变": [None, result.unchanged]},
                      note=f"载入区划：{result.summary()}")
    return result


_BATCH = 2000


def load_rows(region_model, rows, *, prefix: str = "") -> LoadResult:
    """The work of ``region_load`` without the audit row (the data migration passes its historical model).
    Checks everything first and writes only when nothing is wrong."""
    rows = list(rows)
    catalog = {entry.code for entry in load_catalog()}
    with_partition = _has_partition(region_model)  # the data migrations pass a model from before the field
    existing = {r.code: r for r in region_model.objects.all().only(
        "pk", "code", "gb_code", "name", "level", "parent_id", "path", *(["list_partition"] if with_partition else []))}
    by_pk = {r.pk: r for r in existing.values()}
    gb_owner = {r.gb_code: r.code for r in existing.values() if r.gb_code}
    levels = {code: r.level for code, r in existing.items()}
    parents = {code: (by_pk[r.parent_id].code if r.parent_id in by_pk else None) for code, r in existing.items()}
    problems: list[str] = []
    orphans: dict[str, list] = {}  # parent code missing → the rows that need it
    new_rows, changed, result = [], [], LoadResult()
    for row in rows:
        if row.code in catalog:
            result.kept += 1
            continue
        allowed = PARENT_LEVELS[row.level]
        parent_level = levels.get(row.parent) if row.parent else None
        if row.parent and parent_level is None:
            orphans.setdefault(row.parent, []).append(row)
            continue
        if (row.parent is None) != (not allowed) or (row.parent and parent_level not in allowed):
            problems.append(f"{row.where}：{LEVEL_LABELS[row.level]}“{row.name}”不能在"
                            f"{LEVEL_LABELS.get(parent_level, '（无）')}“{row.parent}”之下")
            continue
        owner = gb_owner.get(row.code)
        if owner is not None and owner != row.code:
            problems.append(f"{row.where}：国标代码“{row.code}”已被区划代码为“{owner}”的区划使用")
            continue
        stored = existing.get(row.code)
        if stored is None:
            new_rows.append(row)
            gb_owner[row.code] = row.code
        elif (stored.name, stored.level, parents.get(row.code)) == (row.name, row.level, row.parent):
            result.unchanged += 1
        else:
            changed.append(row)
        levels[row.code], parents[row.code] = row.level, row.parent
    for code, needing in orphans.items():
        where = needing[0].where + (f" 等{len(needing)}行" if len(needing) > 1 else "")
        problems.append(f"{where}：上级区划“{code}”不在区划表中，也不在本次载入的数据中"
                        "（请一并载入上级各级的文件，或直接载入 npm 包）")
    if problems:
        raise LoadInvalid(problems)
    paths = {code: r.path for code, r in existing.items()}
    ids = {code: r.pk for code, r in existing.items()}
    partitions = {code: (r.list_partition if with_partition else "") or code for code, r in existing.items()}
    for row in changed:  # rare: a newer NBS year renamed or moved a region already loaded
        stored = region_model.objects.get(pk=ids[row.code])
        parent = region_model.objects.get(code=row.parent) if row.parent else None
        new_path = _path(row.code, parent)
        if new_path != stored.path:
            _check_depth(region_model, stored.path, new_path)
            _move_subtree(region_model, stored.path, new_path)
        region_model.objects.filter(pk=stored.pk).update(name=row.name, level=row.level, parent=parent, path=new_path)
        paths[row.code] = new_path
        result.updated += 1
    if changed:  # moves may have rewritten paths below them
        paths = dict(region_model.objects.values_list("code", "path"))
    for level in ("province", "city", "county", "township", "village"):
        batch = [r for r in new_rows if r.level == level]
        for start in range(0, len(batch), _BATCH):
            chunk = batch[start:start + _BATCH]
            objects = []
            for row in chunk:
                path = (paths[row.parent] if row.parent else "") + row.code + "/"
                if len(path) > PATH_MAX:
                    raise LoadInvalid([f"{row.where}：路径超过{PATH_MAX}个字符"])
                paths[row.code] = path
                partition = partitions[row.code] = (partitions[row.parent] if row.parent and level in
                                                    ("township", "village") else row.code)  # Region.partition_for
                objects.append(region_model(code=row.code, gb_code=row.code, name=row.name, level=row.level,
                                            parent_id=ids[row.parent] if row.parent else None, path=path,
                                            **({"list_partition": partition} if with_partition else {})))
            region_model.objects.bulk_create(objects)
            if any(o.pk is None for o in objects):
                ids.update(region_model.objects.filter(code__in=[o.code for o in objects]).values_list("code", "pk"))
            else:
                ids.update((o.code, o.pk) for o in objects)
        if batch:
            result.created[level] = len(batch)
    included = {r.level for r in rows}
    flags = {}
    if "township" in included:
        flags["townships_loaded"] = True
    if "village" in included:
        flags["villages_loaded"] = True
    if flags and len(prefix) <= 6:
        # county-level units, and cities whose towns hang directly under them (东莞): what a 6-digit
        # prefix of a township or village code names
        direct = {r.parent for r in rows if r.level == "township" and levels.get(r.parent) == "city"}
        complete = sorted(r.code for r in rows if (r.level == "county" or r.code in direct) and r.code.startswith(prefix))
        for start in range(0, len(complete), _BATCH):
            region_model.objects.filter(code__in=complete[start:start + _BATCH]).update(**flags)
        result.completed = complete
        result.completed_levels = [lv for lv in ("township", "village") if lv in included]
    return result
