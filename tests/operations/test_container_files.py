"""Dockerfile and compose.yaml say what newsdesk and its operations guide say.

Docker is not needed: the files are parsed, and what they name is looked up
where it is defined: variables in what newsdesk reads and in
docs/configuration.md, commands in the `newsdesk` command's own table, the
services in docs/operations.md. A variable renamed in the code, the docs or
the files, a command or option that no longer exists, a port changed in one
place only: each fails here, not at a newsroom's first deployment.
"""

import ast
import json
import re
import shlex
import subprocess
import tomllib

import click
import pytest
import yaml

from newsdesk import conf
from newsdesk.cli import main
from tests.support import REPO_ROOT, newsdesk_command

from .support import clean_environment

COMPOSE = yaml.safe_load((REPO_ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
# The services running the image built from the Dockerfile.
NEWSDESK_SERVICES = {name: service for name, service in SERVICES.items() if "build" in service}
OPERATIONS = (REPO_ROOT / "docs" / "operations.md").read_text()
CONFIGURATION = (REPO_ROOT / "docs" / "configuration.md").read_text()
# What compose.yaml asks of the operator's .env file.
DOT_ENV = {
    "SECRET_KEY": "container-check-" + "p4Lx8Qw2Zr6Tn0Vb3Mk7Hd1Jf5Gs9Ye" * 2,
    "POSTGRES_PASSWORD": "not-used-by-the-check",
    "NEWSDESK_HOST": "news.example.org",
}
ENV_READERS = {"env_str", "env_bool", "env_int", "env_float", "env_list", "env_path", "raw"}


# Reading the files --------------------------------------------------------------


def dockerfile():
    """[(INSTRUCTION, arguments)] of the Dockerfile, continuation lines joined, comments left out."""
    lines = [line for line in (REPO_ROOT / "Dockerfile").read_text().splitlines() if not line.lstrip().startswith("#")]
    text = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in text.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def dockerfile_values(keyword):
    return [arguments for name, arguments in dockerfile() if name == keyword]


def dockerfile_env():
    """The Dockerfile's ENV variables (the `ENV a=1 b=2` form)."""
    env = {}
    for arguments in dockerfile_values("ENV"):
        for pair in shlex.split(arguments):
            name, _, value = pair.partition("=")
            env[name] = value
    return env


def interpolate(value, variables):
    """Compose's `${NAME}`, `${NAME:-default}`, `${NAME:?message}` and `$$`, with `variables` as the .env file."""

    def replace(match):
        name, operator, argument = match.group("name", "operator", "argument")
        if variables.get(name):
            return variables[name]
        assert operator != ":?", f"compose.yaml needs {name}: {argument}"
        return argument or ""

    pattern = r"(?<!\$)\$\{(?P<name>\w+)(?:(?P<operator>:-|:\?)(?P<argument>[^}]*))?\}"
    return re.sub(pattern, replace, str(value)).replace("$$", "$")


def environment(service):
    variables = service.get("environment", {})
    if isinstance(variables, list):
        variables = dict(item.partition("=")[::2] for item in variables)
    return {name: interpolate(value, DOT_ENV) for name, value in variables.items()}


def variables_newsdesk_reads():
    """Names newsdesk reads from the environment: conf.py's settings, and each name settings.py and
    services.py pass to environment.py's readers or to os.environ.get (aliases included)."""
    names = set(conf.SETTINGS)
    for module in ("settings.py", "services.py"):
        for node in ast.walk(ast.parse((REPO_ROOT / "newsdesk" / module).read_text())):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            reader = isinstance(function, ast.Name) and function.id in ENV_READERS
            environ_get = (
                isinstance(function, ast.Attribute) and function.attr == "get"
                and isinstance(function.value, ast.Attribute) and function.value.attr == "environ"
            )
            if not (reader or environ_get) or not node.args:
                continue
            arguments = [node.args[0]] + [keyword.value for keyword in node.keywords if keyword.arg == "aliases"]
            for argument in arguments:
                for constant in ast.walk(argument):
                    if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                        names.add(constant.value)
    return names


def documented_variables():
    """Names in the first column of docs/configuration.md's tables."""
    names = set()
    for line in CONFIGURATION.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def newsdesk_context(argv):
    """The click context `argv` (`newsdesk <command> [options]`) gets: UsageError when the command or an option is unknown."""
    assert argv and argv[0].rsplit("/", 1)[-1] == "newsdesk", argv
    name, *arguments = argv[1:]
    group_context = click.Context(main)
    # The group hands unknown names to Django; a container must run one of newsdesk's own.
    assert name in main.list_commands(group_context), f"`newsdesk {name}` is not a newsdesk command"
    command = main.get_command(group_context, name)
    return command.make_context(name, list(arguments))


def section(document, heading):
    start = document.index(f"\n## {heading}\n")
    end = document.find("\n## ", start + 1)
    return document[start:] if end == -1 else document[start:end]


def doc_table(text):
    """{first cell: second cell} of the Markdown table rows in `text`, backticks stripped."""
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) >= 2:
            rows[cells[0]] = cells[1]
    return rows


# Variables ------------------------------------------------------------------------


def test_compose_sets_only_variables_newsdesk_reads_and_the_docs_document():
    read, documented = variables_newsdesk_reads(), documented_variables()
    assert NEWSDESK_SERVICES, "no service of compose.yaml builds the Dockerfile"
    for name, service in NEWSDESK_SERVICES.items():
        variables = set(environment(service))
        assert variables, name
        assert not variables - read, f"{name}: newsdesk does not read {sorted(variables - read)}"
        assert not variables - documented, f"{name}: docs/configuration.md lacks {sorted(variables - documented)}"


def test_the_dockerfile_sets_only_variables_newsdesk_reads():
    ours = {name for name in dockerfile_env() if name.startswith("NEWSDESK_")}
    assert ours, "the Dockerfile sets no NEWSDESK_ variable"
    assert ours <= variables_newsdesk_reads() & documented_variables(), ours


def test_the_production_variables_are_all_set_and_the_same_for_web_and_worker():
    web, worker = environment(SERVICES["web"]), environment(SERVICES["worker"])
    assert web == worker
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "NEWSDESK_DATA_DIR",
                 "NEWSDESK_BASE_URL", "NEWSDESK_BEHIND_TLS_PROXY"):
        assert web.get(name), name
    assert web["DATABASE_URL"].startswith("postgres://") and "@postgres:" in web["DATABASE_URL"]
    assert web["REDIS_URL"].startswith("redis://redis:")
    postgres = environment(SERVICES["postgres"])
    assert f"{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}@" in web["DATABASE_URL"]
    assert web["DATABASE_URL"].endswith("/" + postgres["POSTGRES_DB"])


def test_check_deploy_is_clean_with_the_compose_variables(tmp_path):
    variables = environment(SERVICES["web"])
    # The container's folders, here on this machine; the servers are never reached by the check.
    del variables["NEWSDESK_DATA_DIR"]
    variables["NEWSDESK_BACKUP_DIR"] = str(tmp_path / "backups")
    result = subprocess.run(
        newsdesk_command("check", "--deploy", "--fail-level", "WARNING"),
        env=clean_environment(tmp_path / "data", **variables),
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "identified no issues" in output, output


# Commands and ports -----------------------------------------------------------------


def test_every_newsdesk_service_runs_a_real_newsdesk_command():
    commands = {}
    for name, service in NEWSDESK_SERVICES.items():
        argv = service["command"]
        assert isinstance(argv, list), f"{name}: give the command as a list, as the Dockerfile's CMD"
        commands[name] = newsdesk_context(argv).info_name
    assert commands == {"setup": "setup", "web": "serve", "worker": "worker"}


def test_an_unknown_command_or_option_is_refused():
    """The checks above can fail: a removed command or option is caught."""
    with pytest.raises(AssertionError):
        newsdesk_context(["newsdesk", "serve-forever"])
    with pytest.raises(click.UsageError):
        newsdesk_context(["newsdesk", "serve", "--listen", "0.0.0.0"])


def test_the_dockerfile_runs_newsdesk_serve_on_the_port_it_exposes_and_compose_publishes():
    assert not dockerfile_values("ENTRYPOINT")
    (cmd,) = dockerfile_values("CMD")
    serve = newsdesk_context(json.loads(cmd))
    assert serve.info_name == "serve" and serve.params["host"] == "0.0.0.0"
    (exposed,) = dockerfile_values("EXPOSE")
    assert int(exposed) == serve.params["port"]

    web = SERVICES["web"]
    web_serve = newsdesk_context(web["command"])
    assert web_serve.info_name == "serve" and web_serve.params["host"] == "0.0.0.0"
    assert web_serve.params["port"] == serve.params["port"]
    published = {int(mapping.rsplit(":", 1)[1]) for mapping in web["ports"]}
    assert published == {serve.params["port"]}
    assert f"127.0.0.1:{serve.params['port']}/readyz" in " ".join(web["healthcheck"]["test"])
    nginx = COMPOSE["configs"]["nginx"]["content"]
    assert f"proxy_pass http://web:{serve.params['port']};" in nginx


def test_the_image_installs_the_extras_compose_needs_and_keeps_its_data_in_the_volume():
    extras = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    (install,) = [arguments for arguments in dockerfile_values("RUN") if "pip install" in arguments]
    asked = set(re.search(r'"\.\[([a-z,]+)\]"', install).group(1).split(","))
    assert {"postgres", "redis"} <= asked <= set(extras)

    data_dir = dockerfile_env()["NEWSDESK_DATA_DIR"]
    assert json.loads(dockerfile_values("VOLUME")[0]) == [data_dir]
    assert any(instruction == "USER" and arguments != "root" for instruction, arguments in dockerfile())
    for name, service in NEWSDESK_SERVICES.items():
        assert environment(service)["NEWSDESK_DATA_DIR"] == data_dir, name
        assert any(volume.endswith(":" + data_dir) for volume in service["volumes"]), name


def test_web_and_workers_wait_for_setup_and_workers_scale():
    assert SERVICES["setup"]["restart"] == "no"
    for name in ("web", "worker"):
        assert SERVICES[name]["depends_on"]["setup"]["condition"] == "service_completed_successfully", name
    assert SERVICES["worker"]["deploy"]["replicas"] >= 2


# The operations guide ---------------------------------------------------------------


def test_the_operations_guide_lists_the_services_compose_defines():
    listed = doc_table(section(OPERATIONS, "In containers"))
    assert set(listed) == set(SERVICES)
    for name, service in NEWSDESK_SERVICES.items():
        documented = shlex.split(listed[name])
        assert service["command"][: len(documented)] == documented, name


def test_the_guide_s_systemd_units_run_real_commands_with_documented_variables():
    one_machine = section(OPERATIONS, "One machine")
    exec_lines = re.findall(r"^Exec(?:Start|StartPre)=(\S*newsdesk .*)$", one_machine, re.MULTILINE)
    commands = {newsdesk_context(shlex.split(line)).info_name for line in exec_lines}
    assert {"serve", "worker"} <= commands

    env_file = re.search(r"# /etc/newsdesk/env\n(.*?)```", one_machine, re.DOTALL).group(1)
    variables = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", env_file, re.MULTILINE))
    assert {"SECRET_KEY", "DATABASE_URL", "NEWSDESK_DATA_DIR", "NEWSDESK_BACKUP_DIR"} <= variables
    assert not variables - (variables_newsdesk_reads() & documented_variables()), variables
