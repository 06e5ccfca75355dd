import re

from newsdesk import conf
from tests.support import REPO_ROOT


def test_every_setting_is_documented():
    """Each NEWSDESK_… name the code reads appears in docs/configuration.md."""
    documented = (REPO_ROOT / "docs" / "configuration.md").read_text()
    names = set(conf.SETTINGS)
    for source in (REPO_ROOT / "newsdesk").rglob("*.py"):
        names |= set(re.findall(r'"(NEWSDESK_[A-Z_]+)"', source.read_text()))
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert not missing, f"Undocumented settings: {missing}"


def test_readme_gives_the_two_commands():
    readme = (REPO_ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    for link in re.findall(r"\((docs/[^)]+)\)", readme):
        assert (REPO_ROOT / link).exists(), link
