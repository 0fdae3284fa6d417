"""The `mcc` command: the composition root (the one core module that wires api,
workflows and activities together, and only inside commands)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from mcc.config import Settings
from mcc.logs import announce, configure_logging

if TYPE_CHECKING:
    from mcc.db.schema_check import DatabaseProblem


def _exit(code: int) -> NoReturn:
    """Leave without running interpreter shutdown.

    temporalio/sdk-python#300: a process that used a Temporal client can abort in
    PyGILState_Release during finalisation; flush and leave with the real code.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


def _interrupt(*_: object) -> None:
    """SIGTERM stops a command the way Ctrl-C does."""
    raise KeyboardInterrupt


def _settings() -> Settings:
    """The settings from the environment; a wrong one ends the command with sentences
    naming each variable (`mcc.config_errors`), not a traceback."""
    from mcc.config_errors import InvalidSettings, read_settings

    try:
        return read_settings()
    except InvalidSettings as exc:
        _fail(exc.message)


def _fail(message: str) -> NoReturn:
    click.echo(f"mcc: {message}", err=True)
    _exit(1)


DISTRIBUTION = "mission-control-center"  # pyproject's [project] name

# Where a person who typed `mcc --help` learns what can be set, and how: the README's
# table is the reference (mcc/config.py the code). A .env file is docker compose's
# (.env.example): `mcc up` on the host does not read it, as it holds container settings.
SETTINGS_HELP = (
    "Settings: every setting is an MCC_* environment variable (MCC_PORT=9000 mcc up), "
    "each described in README.md, section Settings; the defaults need none. mcc reads "
    "its environment only: a .env file is read by docker compose, not by mcc."
)


def _version(ctx: click.Context, _: click.Parameter, wanted: bool) -> None:
    """`mcc --version`: the installed distribution's version, from its metadata."""
    if not wanted or ctx.resilient_parsing:
        return
    click.echo(f"mcc {version(DISTRIBUTION)}")
    _exit(0)


@click.group(epilog=SETTINGS_HELP)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_version,
    help="Show the version of MCC and exit.",
)
def main() -> None:
    """Mission Control Center: AI agents turn issues into merged pull requests."""


@main.command()
def migrate() -> None:
    """Apply the database migrations."""
    settings = _settings()
    before, head = _migrate(settings)
    if before == head:
        click.echo(f"database is up to date, at migration {head} ({_shown_database(settings)})")
    else:
        click.echo(_migrated(settings, before, head))
    _exit(0)


def _migrate(settings: Settings) -> tuple[str | None, str]:
    """Apply the migrations: (the schema's revision before, the head), or exit saying why."""
    from mcc.db.engine import Database
    from mcc.db.migrate import upgrade
    from mcc.db.schema_check import head_revision, schema_revision
    from mcc.errors import MccError

    async def revision() -> str | None:
        db = Database.from_settings(settings)  # creates the data dir for SQLite
        try:
            return await schema_revision(db)
        except Exception:  # does not answer: `upgrade` says why, in a sentence
            return None
        finally:
            await db.dispose()

    before = asyncio.run(revision())
    try:
        upgrade(settings.resolved_database_url)
    except MccError as exc:
        _fail(exc.message)
    return before, head_revision()


def _migrated(settings: Settings, before: str | None, head: str) -> str:
    shown = _shown_database(settings)
    return f"database migrated from {before or 'no schema'} to migration {head} ({shown})"


def _shown_database(settings: Settings) -> str:
    from mcc.db.engine import shown_url

    return shown_url(settings.resolved_database_url)


@main.command()
def up() -> None:
    """Start everything: Temporal dev server, API, socket.io, SPA and the worker."""
    from api.listen_check import check_listen_address
    from api.server import serve
    from api.temporal_runtime import core_runtime
    from mcc.db.engine import Database
    from mcc.db.migrate import upgrade
    from mcc.devserver import DevServer
    from mcc.errors import MccError
    from mcc.readiness import startup_lines
    from mcc.sandbox.sandbox import Sandbox
    from mcc.security.keys import master_key
    from workflows.search_attributes import dev_server_flags

    settings = _settings()
    configure_logging(settings)
    code = 0
    dev: DevServer | None = None
    try:
        check_listen_address(settings)
        core_runtime(settings.temporal_metrics_address)  # its metrics address can be bound
        master = master_key(settings)
        Database.from_settings(settings)
        upgrade(settings.resolved_database_url)
        asyncio.run(_verify_key(settings, master))
        wait_s = settings.temporal_start_timeout_s
        if settings.temporal_embedded:
            dev = DevServer(settings, dev_server_flags())
            dev.start(timeout_s=wait_s)
            announce(settings, f"Temporal UI at {settings.temporal_ui_url}")
        announce(settings, f"MCC at http://{settings.host}:{settings.port}")
        for line in startup_lines(settings, asyncio.run(Sandbox.from_settings(settings).probe())):
            announce(settings, line)
        # An open port is not a ready server: the worker connects once Temporal answers.
        asyncio.run(serve(settings, temporal_wait_s=wait_s))
    except KeyboardInterrupt:
        pass
    except MccError as exc:
        click.echo(f"mcc: {exc.message}", err=True)
        code = 1
    finally:
        if dev is not None:
            dev.stop()
    _exit(code)


@main.command()
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
def backup(dest: Path) -> None:
    """Copy the data dir's state (database, Temporal's state, key, repositories) into DEST,
    consistently, while MCC runs. Restore: copy DEST's contents into an empty data dir."""
    import sqlite3

    from mcc.backup import back_up
    from mcc.errors import MccError

    settings = _settings()
    try:
        report = asyncio.run(back_up(settings, dest))
    except MccError as exc:
        _fail(exc.message)
    except (OSError, sqlite3.Error) as exc:  # a full disk, a file MCC cannot read
        _fail(f"the backup into {dest} failed: {exc}")
    for what in report.copied:
        click.echo(f"copied: {what}")
    for what in report.elsewhere:
        click.echo(f"not in the backup: {what}")
    shown = dest.expanduser().resolve()
    click.echo(f"Backed up into {shown}. To restore, with MCC stopped: cp -a {shown}/. <data dir>/")
    _exit(0)


async def _verify_key(settings: Settings, master: bytes) -> None:
    from mcc.db.engine import Database
    from mcc.security.key_check import verify_key

    db = Database.from_settings(settings)
    try:
        await verify_key(db, master)
    finally:
        await db.dispose()


@main.group("secret-key")
def secret_key() -> None:
    """The master key: it seals the stored secrets and signs sessions."""


@secret_key.command("change")
@click.option(
    "--forget-secrets",
    is_flag=True,
    help="The old key is lost: remove the stored secrets (to be entered again).",
)
def secret_key_change(forget_secrets: bool) -> None:
    """Make this process's key (MCC_SECRET_KEY, or else the data dir's secret.key) the
    deployment's: every stored secret is opened with MCC_OLD_SECRET_KEY and sealed again.
    Stop every MCC process first, and start them all with the new key after."""
    from mcc.db.engine import Database
    from mcc.db.schema_check import database_problem
    from mcc.errors import MccError
    from mcc.security.key_change import change_key
    from mcc.security.keys import decode_key, master_key

    settings = _settings()
    old = os.environ.get("MCC_OLD_SECRET_KEY", "").strip()
    if bool(old) == forget_secrets:
        _fail(
            "Give the old key in MCC_OLD_SECRET_KEY to keep the stored secrets, or"
            " --forget-secrets (and no old key) if it is lost."
        )

    async def change() -> list[str]:
        db = Database.from_settings(settings)
        try:
            problem = await database_problem(db)
            if problem is not None:
                raise MccError(problem.sentence)
            return await change_key(db, master_key(settings), decode_key(old) if old else None)
        finally:
            await db.dispose()

    try:
        touched = asyncio.run(change())
    except MccError as exc:
        _fail(exc.message)
    done = "forgotten (enter it again)" if forget_secrets else "sealed with the new key"
    for what in touched:
        click.echo(f"{done}: {what}")
    click.echo(
        f"The key is changed ({len(touched)} stored secret(s)). Start every MCC process with it."
    )
    _exit(0)


@main.group()
def user() -> None:
    """Manage accounts."""


@user.command("create")
@click.option("--email", required=True, help="The account's email (its login).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_create(email: str, password_stdin: bool) -> None:
    """Create an account (the password is asked on the terminal)."""
    from mcc.db.engine import Database
    from mcc.errors import MccError
    from mcc.security.accounts import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = _settings()
    # An MCC_DATABASE_URL or data dir other than the server's gets a schema here: said,
    # so that the account is not looked for in vain where the server logs in.
    before, head = _migrate(settings)
    if before != head:
        click.echo(_migrated(settings, before, head))
    db = Database.from_settings(settings)

    async def create() -> int:
        try:
            async with db.sessions() as session:
                return (await create_user(session, email, password)).id
        finally:
            await db.dispose()

    try:
        user_id = asyncio.run(create())
    except MccError as exc:
        click.echo(f"mcc: {exc.message}", err=True)
        _exit(1)
    shown = _shown_database(settings)
    click.echo(f"created user {user_id} <{email.strip().lower()}> in {shown}")
    _exit(0)


@main.command()
def temporal() -> None:
    """Run only the embedded Temporal dev server (until Ctrl-C)."""
    import signal
    import time

    from mcc.devserver import DevServer
    from mcc.errors import MccError
    from workflows.search_attributes import dev_server_flags

    settings = _settings()
    dev = DevServer(settings, dev_server_flags())
    # Both, as `mcc up` and uvicorn do: a shell starts a background job with SIGINT ignored.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    code = 0
    try:
        dev.start(timeout_s=settings.temporal_start_timeout_s)
        if dev.process is None:  # this data dir's own server answers already
            raise MccError(f"this installation's Temporal already runs (pid {dev.running_own()})")
        click.echo(
            f"mcc: Temporal at {settings.temporal_address}, UI at {settings.temporal_ui_url}"
        )
        while dev.process is not None and dev.process.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    except MccError as exc:
        click.echo(f"mcc: {exc.message}", err=True)
        code = 1
    finally:
        dev.stop()
    _exit(code)


def _split_process_checks(settings: Settings, *, worker: bool) -> None:
    """What `mcc api` and `mcc worker` check before they serve, ending the command with
    one sentence when they cannot: each is one process of a deployment, and what it
    must share with the others (database schema, key, data dir) is checked here, where a mismatch
    would otherwise show as failed requests and steps later.

    A database that does not answer stops a worker (its restart policy tries again) but
    not an API, which serves and says so in health, as it does while Temporal is away."""
    from api.temporal_runtime import core_runtime
    from mcc.db.engine import Database
    from mcc.db.schema_check import database_problem
    from mcc.errors import MccError
    from mcc.security.key_check import KeyMismatch, verify_key
    from mcc.security.keys import master_key
    from mcc.shared_data_dir import missing_repositories

    if settings.redis_url and settings.secret_key is None:
        _fail(
            "MCC_SECRET_KEY is not set. Processes sharing Redis (MCC_REDIS_URL) are one"
            " deployment, and every api and worker process needs the same key: without it"
            " each uses the key file of its own data dir, and one that has another key"
            " refuses the others' sessions and cannot read the secrets they stored. Make"
            " one with `openssl rand -hex 32`."
        )
    try:
        # The worker unseals the stored LLM, GitHub and Telegram secrets with it.
        master = master_key(settings)
        core_runtime(settings.temporal_metrics_address)  # its metrics address can be bound
    except MccError as exc:
        _fail(exc.message)

    async def check() -> tuple[DatabaseProblem | None, str | None]:
        db = Database.from_settings(settings)
        try:
            problem = await database_problem(db)
            if problem is None:
                await verify_key(db, master)
            return problem, None if problem else await missing_repositories(settings, db)
        finally:
            await db.dispose()

    try:
        database, repositories = asyncio.run(check())
    except KeyMismatch as exc:
        _fail(exc.message)
    if repositories is not None:
        _fail(repositories)
    if database is not None and (worker or database.kind == "not_migrated"):
        _fail(database.sentence)
    if database is not None:
        click.echo(f"mcc: {database.sentence} Serving meanwhile; health says 503.", err=True)


def _summary(settings: Settings, *, worker: bool) -> None:
    from mcc.readiness import split_process_lines
    from mcc.sandbox.sandbox import Sandbox

    sandbox = asyncio.run(Sandbox.from_settings(settings).probe()) if worker else None
    for line in split_process_lines(settings, sandbox):
        announce(settings, line)


@main.command()
def api() -> None:
    """Serve only the API (scaled mode: run workers separately)."""
    from api.listen_check import check_listen_address
    from api.server import serve
    from mcc.errors import MccError

    settings = _settings()
    configure_logging(settings)
    try:
        check_listen_address(settings)
    except MccError as exc:
        _fail(exc.message)
    _split_process_checks(settings, worker=False)
    announce(settings, f"MCC API at http://{settings.host}:{settings.port}")
    _summary(settings, worker=False)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings, api=True, worker=False))
    _exit(0)


@main.command()
def worker() -> None:
    """Run only a Temporal worker (scaled mode)."""
    from api.server import serve

    settings = _settings()
    configure_logging(settings)
    _split_process_checks(settings, worker=True)
    announce(settings, f"MCC worker, pid {os.getpid()}")
    _summary(settings, worker=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings, api=False, worker=True))
    _exit(0)


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def openapi(out: Path) -> None:
    """Write the API's OpenAPI schema (the front end generates its types from it)."""
    from api.app import create_app
    from api.temporal_link import TemporalLink
    from mcc.runtime import Runtime

    settings = Settings(database_url="sqlite+aiosqlite://")
    app = create_app(Runtime.build(settings), TemporalLink(settings))
    out.write_text(json.dumps(app.openapi(), indent=2) + "\n")
    click.echo(f"wrote {out}")
    _exit(0)


@main.command("eval")
@click.option(
    "--tasks", default="", help="Comma-separated task slugs of eval/tasks (default: all)."
)
@click.option(
    "--model", default=None, help="Model of every agent (default: MCC_AGENT_DEFAULT_MODEL)."
)
@click.option("--max-usd", type=float, default=5.0, show_default=True, help="Daily budget limit.")
@click.option(
    "--mode",
    type=click.Choice(["both", "company", "baseline"]),
    default="both",
    show_default=True,
)
@click.option(
    "--timeout-s", type=float, default=None, help="Per task and mode (default: the task's)."
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("eval-results.json"),
    show_default=True,
)
@click.option("--tasks-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
def eval_(
    tasks: str,
    model: str | None,
    max_usd: float,
    mode: str,
    timeout_s: float | None,
    json_out: Path,
    tasks_dir: Path | None,
) -> None:
    """Measure resolved issues per dollar: the company against one coder alone."""
    from api.evaluation import EvalOptions, run_eval
    from mcc.errors import MccError
    from mcc.eval.tasks import DEFAULT_TASKS_DIR, load_tasks

    configure_logging()
    code = 0
    try:
        options = EvalOptions(
            tasks=load_tasks(tasks_dir or DEFAULT_TASKS_DIR, [t for t in tasks.split(",") if t]),
            modes=("company", "baseline") if mode == "both" else (mode,),
            model=model,
            max_usd=max_usd,
            json_out=json_out,
            timeout_s=timeout_s,
        )
        click.echo(asyncio.run(run_eval(_settings(), options)))
        click.echo(f"mcc: wrote {json_out}")
    except MccError as exc:
        click.echo(f"mcc: {exc.message}", err=True)
        code = 1
    _exit(code)


if __name__ == "__main__":
    main()
