"""DOCX → PDF with LibreOffice (``soffice --headless --convert-to pdf``).

Each conversion runs with its own throw-away LibreOffice profile: conversions that share a
profile block on its lock and the later ones silently produce no PDF. Creating a profile costs
a first start (~0.1 s), so the profile of the first successful conversion is kept as a seed for
the life of the process and each later conversion starts from a private copy of it. Each also gets a
fontconfig file that maps the Chinese font names of Word documents (宋体, 仿宋, 黑体, 楷体 …)
to the Noto CJK SC fonts; without it fontconfig picks whatever CJK font sorts first, often the
Japanese variant, whose glyphs differ from Chinese print forms. The config file is written per
call (and includes the system configuration) so nothing extra has to ship with the package.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from xml.sax.saxutils import escape

SOFFICE_NAMES = ("soffice", "libreoffice")
DEFAULT_TIMEOUT = 180  # seconds; a cold LibreOffice start on a slow machine takes ~10 s
SERIF_SC, SANS_SC = "Noto Serif CJK SC", "Noto Sans CJK SC"
# Font names found in Chinese Word documents → the installed font that stands in for them.
FONT_ALIASES = {
    SERIF_SC: (
        "宋体", "SimSun", "新宋体", "NSimSun", "仿宋", "FangSong", "仿宋_GB2312", "FangSong_GB2312",
        "楷体", "KaiTi", "楷体_GB2312", "KaiTi_GB2312", "华文宋体", "STSong", "华文中宋", "STZhongsong",
        "华文仿宋", "STFangsong", "华文楷体", "STKaiti", "方正小标宋简体", "方正小标宋_GBK", "方正仿宋_GBK",
        "方正楷体_GBK",
    ),
    SANS_SC: (
        "黑体", "SimHei", "微软雅黑", "Microsoft YaHei", "等线", "DengXian", "华文黑体", "STHeiti",
        "方正黑体_GBK", "方正黑体简体",
    ),
}
SYSTEM_FONTCONFIG = "/etc/fonts/fonts.conf"


class PdfConversionError(RuntimeError):
    pass


_seed_lock = threading.Lock()
_seed_profile: Path | None = None


def _copy_seed_profile(target: Path) -> None:
    """Start ``target`` as a copy of the warmed-up profile, if there is one yet."""
    seed = _seed_profile
    if seed is None:
        return
    try:
        shutil.copytree(seed, target, ignore=shutil.ignore_patterns(".lock"))
    except OSError:
        shutil.rmtree(target, ignore_errors=True)  # LibreOffice will create a fresh one


def _keep_as_seed(profile: Path) -> None:
    global _seed_profile
    with _seed_lock:
        if _seed_profile is not None or not profile.is_dir():
            return
        root = Path(tempfile.mkdtemp(prefix="jixiao-pdf-profile-"))
        atexit.register(shutil.rmtree, root, True)
        try:
            shutil.copytree(profile, root / "profile", ignore=shutil.ignore_patterns(".lock"))
        except OSError:
            return
        _seed_profile = root / "profile"


def find_soffice() -> str | None:
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def fontconfig_xml(system_config: str = SYSTEM_FONTCONFIG) -> str:
    """A fontconfig file: the system configuration plus the Chinese font-name aliases."""
    aliases = []
    for target, names in FONT_ALIASES.items():
        for name in names:
            aliases.append(
                f"  <alias binding=\"same\"><family>{escape(name)}</family>"
                f"<prefer><family>{escape(target)}</family></prefer></alias>"
            )
    include = f"  <include ignore_missing=\"yes\">{escape(system_config)}</include>"
    return "\n".join([
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<fontconfig>",
        include,
        *aliases,
        "</fontconfig>",
        "",
    ])


def _command(soffice: str, profile: Path, docx: Path, out_dir: Path) -> list[str]:
    return [
        soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to", "pdf", "--outdir", str(out_dir), str(docx),
    ]


def _run(command: list[str], env: dict, timeout: float) -> subprocess.CompletedProcess:
    # A session of its own, so that on timeout the whole LibreOffice process group (the
    # launcher and soffice.bin) can be stopped, and only it.
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise PdfConversionError(f"PDF 转换超时（超过 {timeout:g} 秒），LibreOffice 已被终止。") from None
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").strip()


def convert_to_pdf(docx_path, out_dir, *, timeout: float = DEFAULT_TIMEOUT) -> Path | None:
    """Convert ``docx_path`` to ``out_dir/<name>.pdf``; None when LibreOffice is not installed.

    Raises ``PdfConversionError`` (message in Chinese, with LibreOffice's output) when the
    conversion fails or times out.
    """
    soffice = find_soffice()
    if soffice is None:
        return None
    docx, out_dir = Path(docx_path).resolve(), Path(out_dir)
    if not docx.is_file():
        raise PdfConversionError(f"找不到要转换的文件：{docx}")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        work = Path(tmp)
        fonts_conf = work / "fonts.conf"
        fonts_conf.write_text(fontconfig_xml(), encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(fonts_conf)}
        # Convert into the private folder first: a PDF left there can only be this run's.
        staging, profile = work / "out", work / "profile"
        _copy_seed_profile(profile)
        result = _run(_command(soffice, profile, docx, staging), env, timeout)
        produced = staging / f"{docx.stem}.pdf"
        if result.returncode != 0 or not produced.is_file():
            detail = _decode(result.stderr) or _decode(result.stdout) or "（无输出）"
            raise PdfConversionError(
                f"PDF 转换失败（LibreOffice 返回码 {result.returncode}），未生成“{produced.name}”：{detail}"
            )
        _keep_as_seed(profile)
        target = out_dir / produced.name
        shutil.move(produced, target)
    return target
