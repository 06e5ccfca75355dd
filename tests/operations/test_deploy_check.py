"""`newsdesk check --deploy` is clean with the production variables docs/operations.md lists."""

import subprocess

from tests.support import REPO_ROOT, newsdesk_command

from .support import clean_environment

PRODUCTION = {
    "SECRET_KEY": "deploy-check-" + "x7Qp2vLm9Rt4Wz8Ks3Nd6Hf1Jb5Yc0Ge" * 2,
    "ALLOWED_HOSTS": "news.example.org",
    "NEWSDESK_BASE_URL": "https://news.example.org",
    "NEWSDESK_BEHIND_TLS_PROXY": "1",
    # Not reached by `check --deploy`; nothing listens on these ports.
    "DATABASE_URL": "postgres://newsdesk:newsdesk@127.0.0.1:18499/newsdesk",
    "REDIS_URL": "redis://127.0.0.1:18499/0",
    "NEWSDESK_SERVE_MEDIA": "0",
}


def test_check_deploy_exits_0_without_warnings(tmp_path):
    env = clean_environment(tmp_path, **PRODUCTION)
    result = subprocess.run(
        newsdesk_command("check", "--deploy", "--fail-level", "WARNING"),
        env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output and "identified no issues" in output, output


def test_the_documented_variables_are_the_ones_checked():
    guide = (REPO_ROOT / "docs" / "operations.md").read_text()
    for name in PRODUCTION:
        assert f"`{name}" in guide or f"{name}=" in guide, name
