"""Settings check: production refuses to start with DEBUG on or a default/weak secret key."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def production_settings_check(app_configs=None, **kwargs):
    if not getattr(settings, "PRODUCTION", False):
        return []
    errors = []
    if settings.DEBUG:
        errors.append(checks.Error("生产环境（JIXIAO_PRODUCTION=1）不能开启 DEBUG（请去掉 JIXIAO_DEBUG=1）",
                                   id="jixiao.E001"))
    key = settings.SECRET_KEY or ""
    if key == settings.DEFAULT_SECRET_KEY or len(key) < 50 or len(set(key)) < 5:
        errors.append(checks.Error(
            "生产环境必须设置足够长的随机密钥：设置环境变量 JIXIAO_SECRET_KEY（至少 50 个字符），"
            "或由 jixiao serve 在数据目录中生成 secret_key 文件",
            id="jixiao.E002",
        ))
    return errors
