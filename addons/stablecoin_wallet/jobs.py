# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scheduled jobs' loop: batch, savepoint, progress, commit (outside tests).

A job working through many records commits after each batch, so that a crash or a time-out
loses at most that batch and the next run takes up the rest; it reports its progress to
Odoo's cron runner (``ir.cron._notify_progress``, which runs the job again at once while
records remain). Under tests nothing is committed: the test's transaction is rolled back."""

import threading

from odoo.modules import module


def may_commit(env):
    """Whether a job may commit now: not under tests (the test thread's ``testing`` flag,
    or ``current_test``, which Odoo 19 keeps as the only sign)."""
    return not (getattr(threading.current_thread(), "testing", False) or module.current_test)


def run_batches(env, batches, process, *, total=None, on_error=None, savepoint=True):
    """``process(batch)`` for each recordset of ``batches`` (from ``split_every``, a
    recordset iterated one record at a time, or a generator), then the progress, then a
    commit when :func:`may_commit`. Returns the number of records done.

    ``total``: the number of records in all (``None``: unknown, none remaining after each).
    ``savepoint``: each batch runs in a savepoint; an exception rolls it back and then
    propagates, or calls ``on_error(batch, exc)`` (the environment's cache invalidated) when
    given, and the job goes on. ``False`` when ``process`` commits on its own: a savepoint
    cannot span a commit."""
    commit = may_commit(env)
    done = 0
    for batch in batches:
        if not savepoint:
            process(batch)
        else:
            try:
                with env.cr.savepoint():
                    process(batch)
            except Exception as exc:  # pylint: disable=broad-except
                # Re-raised, unless the job handles it: one bad batch need not stop the rest.
                if on_error is None:
                    raise
                env.invalidate_all()
                on_error(batch, exc)
        done += len(batch)
        remaining = max(total - done, 0) if total is not None else 0
        env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if commit:
            # A scheduled job, outside tests: each batch is kept, whatever comes after it.
            env.cr.commit()  # pylint: disable=invalid-commit
    return done
