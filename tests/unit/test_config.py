"""Settings: the file, environment overrides and refusals."""

from pathlib import Path

import pytest

from app.config import ConfigError, load_settings


def test_environment_overrides_file(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("database_url: sqlite:///var/a.db\npage_size: 10\n", encoding="utf-8")
    s = load_settings(cfg, environ={"ZHUANJIE_DATABASE_URL": "sqlite:///x.db",
                                    "ZHUANJIE_PAGE_SIZE": "50"})
    assert s.database_url == "sqlite:///x.db"
    assert s.page_size == 50
    assert s.resolved_database_url == f"sqlite:///{tmp_path / 'x.db'}"


def test_unknown_key_and_bad_policy_are_refused(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("colour: red\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="colour"):
        load_settings(cfg, environ={})
    cfg.write_text("policy: anything\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="policy"):
        load_settings(cfg, environ={})


def test_project_config_file_loads() -> None:
    s = load_settings(environ={})
    assert s.policy == "hunan-2018"
    assert s.database_url.startswith("sqlite:///")
