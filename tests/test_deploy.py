"""The deployment files: production settings pass Django's deploy checks, and every scheduled job
and service names a command that exists."""
import configparser
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "PII_KEYS": "ZGV2LW9ubHktcGlpLWtleS1mb3ItdGhlLWRlbW8tMDA=",
    "PII_HASH_KEY": "a-production-blind-index-key",
    "ALLOWED_HOSTS": "dangjian.example.gov.cn",
}


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECURE_COOKIES"}}
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env={**clean, **env}, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_production_settings_pass_the_deploy_checks():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_its_secrets():
    result = _manage("check", env={**PROD_ENV, "PII_KEYS": ""})
    assert result.returncode != 0 and "PII_KEYS must be set" in result.stderr


def _units():
    for path in sorted((DEPLOY / "systemd").glob("*.service")) + sorted((DEPLOY / "systemd").glob("*.timer")):
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.optionxform = str
        parser.read(path, encoding="utf-8")
        yield path.name, parser


def test_every_service_runs_a_command_that_exists():
    commands = get_commands()
    for name, unit in _units():
        if "Service" not in unit:
            continue
        line = unit["Service"]["ExecStart"]
        assert line.startswith("/srv/dangjian/app/.venv/bin/"), name
        match = re.search(r"manage\.py (\S+)", line)
        if match and match.group(1) != "%i":
            assert match.group(1) in commands, (name, match.group(1))


def test_every_timer_queues_a_job_that_takes_enqueue():
    commands = get_commands()
    jobs = [unit["Timer"]["Unit"] for _, unit in _units() if "Timer" in unit]
    assert len(jobs) >= 5
    for job in jobs:
        if not job.startswith("dangjian-job@"):
            assert (DEPLOY / "systemd" / job).exists(), job
            continue
        command = job.removeprefix("dangjian-job@").removesuffix(".service")
        parser = load_command_class(commands[command], command).create_parser("manage.py", command)
        assert "--enqueue" in parser._option_string_actions, command


def test_gunicorn_settings_load():
    settings = {}
    exec((DEPLOY / "gunicorn.conf.py").read_text(), settings)  # noqa: S102 - our own file
    assert settings["worker_class"] == "gthread" and settings["workers"] >= 1 and settings["timeout"] >= 30


@pytest.mark.skipif(not Path("/usr/sbin/nginx").exists(), reason="nginx is not installed")
def test_the_nginx_site_is_valid(tmp_path):
    conf = tmp_path / "nginx.conf"
    site = (DEPLOY / "nginx" / "dangjian.conf").read_text().replace(
        "/etc/nginx/snippets/dangjian-proxy.conf", str(DEPLOY / "nginx" / "dangjian-proxy.conf"))
    (tmp_path / "site.conf").write_text(site)
    conf.write_text(f"events {{}}\nhttp {{\n include {tmp_path / 'site.conf'};\n}}\n")
    result = subprocess.run(["/usr/sbin/nginx", "-t", "-c", str(conf)], capture_output=True, text=True)
    # The certificate paths are examples: only a missing certificate may fail the test.
    assert result.returncode == 0 or "certificate" in result.stderr, result.stderr
