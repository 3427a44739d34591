"""Settings: config.yaml with ZHUANJIE_<KEY> environment overrides, as a frozen dataclass."""

from __future__ import annotations

import dataclasses
import os
import secrets
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "ZHUANJIE_"


class ConfigError(ValueError):
    """A setting is missing, unknown or of the wrong type."""


@dataclass(frozen=True)
class Settings:
    """Every setting of zhuanjie; see config.yaml for the meaning of each key."""

    database_url: str = "sqlite:///var/zhuanjie.db"
    secret_key: str = "auto"
    policy: str = "hunan-2018"
    timezone: str = "Asia/Shanghai"
    bpmn_dir: str = "bpmn"
    max_bpmn_bytes: int = 2_000_000
    scheduler_interval_seconds: int = 5
    scheduler_in_web: bool = True
    demo_file: str = "app/demo/hunan_demo.yaml"
    session_lifetime_minutes: int = 60
    page_size: int = 20
    log_level: str = "INFO"
    session_cookie_secure: bool = False
    login_max_failures_per_user: int = 5
    login_max_failures_per_ip: int = 20
    login_lockout_minutes: int = 15
    progress_max_lookups_per_ip: int = 10
    progress_window_minutes: int = 15
    api_max_auth_failures_per_ip: int = 20
    api_token_max_days: int = 365
    health_scheduler_stale_seconds: int = 60
    metrics_token: str = ""
    root: str = str(PROJECT_ROOT)

    def path(self, value: str) -> Path:
        """Resolve a configured path relative to the configuration's directory."""
        p = Path(value)
        return p if p.is_absolute() else Path(self.root) / p

    @property
    def resolved_database_url(self) -> str:
        """The database URL with a relative SQLite path made absolute."""
        prefix = "sqlite:///"
        url = self.database_url
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.path(url[len(prefix):]))
        return url

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed (validated like the file)."""
        return dataclasses.replace(self, **{k: _coerce(k, v) for k, v in changes.items()})


_POLICIES = ("hunan-2018", "national-2019")


def _coerce(key: str, value: Any) -> Any:
    types = {f.name: f.type for f in fields(Settings)}
    if key not in types:
        raise ConfigError(f"unknown setting {key!r}")
    kind = types[key]
    try:
        if kind == "int":
            value = int(value)
        elif kind == "bool":
            if isinstance(value, str):
                if value.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                    raise ValueError(value)
                value = value.lower() in ("1", "true", "yes", "on")
            value = bool(value)
        else:
            value = str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {key!r} must be of type {kind}: {value!r}") from exc
    if key == "policy" and value not in _POLICIES:
        raise ConfigError(f"setting 'policy' must be one of {', '.join(_POLICIES)}: {value!r}")
    return value


def load_settings(path: str | os.PathLike[str] | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """Read config.yaml (or ZHUANJIE_CONFIG, or *path*) and apply ZHUANJIE_<KEY> overrides."""
    env = os.environ if environ is None else environ
    cfg_path = Path(path or env.get(ENV_PREFIX + "CONFIG") or PROJECT_ROOT / "config.yaml")
    values: dict[str, Any] = {}
    if cfg_path.exists():
        loaded = yaml.safe_load(cfg_path.read_text(encoding="utf-8")) or {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"{cfg_path}: expected a mapping of settings")
        values.update(loaded)
    names = {f.name for f in fields(Settings)} - {"root"}
    for name in names:
        env_value = env.get(ENV_PREFIX + name.upper())
        if env_value is not None:
            values[name] = env_value
    unknown = set(values) - names
    if unknown:
        raise ConfigError(f"{cfg_path}: unknown setting(s): {', '.join(sorted(unknown))}")
    coerced = {k: _coerce(k, v) for k, v in values.items()}
    return Settings(root=str(cfg_path.resolve().parent), **coerced)


def secret_key(settings: Settings) -> str:
    """The configured secret, or a random one kept in var/secret_key when it is "auto"."""
    if settings.secret_key != "auto":
        return settings.secret_key
    key_file = settings.path("var/secret_key")
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key
