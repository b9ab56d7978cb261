# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ipaddress
import logging
import time
from datetime import timedelta
from urllib.parse import urlparse

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from ..chain import InvalidAddress, watch
from ..chain.family import DEFAULT_KIND, family, kind_selection
from ..chain.rpc import FailoverClient, RpcError
from ..chain.scanner import MAX_TOPICS_PER_QUERY, read_ahead, scan_transfers
from ..compat import sql_constraints
from ..jobs import may_commit, run_batches
from ..locking import try_lock_row
from .stablecoin_network_cursor import CURSOR_FIELDS

_logger = logging.getLogger(__name__)


def _is_local_host(host):
    """Loopback, or a single-label name (a container or host of a private network)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost" or "." not in host


class ChainIdField(fields.Integer):
    """An integer stored in 8 bytes: chain ids pass 2^31 (Tron's Nile testnet: 3,448,148,188)."""

    _column_type = ("int8", "int8")


# A network that fails is retried after 1, 2, 4 ... minutes, at most every hour.
MAX_BACKOFF_MINUTES = 60
# How long one run of the scheduled scan follows the heads (system parameter
# stablecoin_wallet.follow_seconds): then it gives its cron thread back and asks for the next.
FOLLOW_SECONDS = 30
# When the follower asks each network for its head next: (database, network id) -> time on
# this process's monotonic clock. Kept across the scan's runs (it gives way to other jobs, then
# runs again): a run asks nothing before the next block is due.
_NEXT_POLL = {}


@sql_constraints
class StablecoinNetwork(models.Model):
    _name = "stablecoin.network"
    _description = "Blockchain Network"
    _inherit = "mail.thread"
    _order = "sequence, name"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    kind = fields.Selection(
        kind_selection(),
        string="Network Type",
        default=DEFAULT_KIND,
        required=True,
        tracking=True,
        help="EVM: Ethereum and its kin (0x addresses, EIP-681 payment links). Tron: read "
        "through a TronGrid-style Ethereum-compatible /jsonrpc endpoint (same logs), addresses "
        "shown and typed in Tron's T... form, no payment URI.",
    )
    chain_id = ChainIdField(
        string="Chain ID",
        required=True,
        tracking=True,
        help="EIP-155 chain id, as the network's nodes answer to eth_chainId.",
    )
    rpc_url = fields.Char(
        string="RPC Endpoint",
        groups="base.group_system",
        help="JSON-RPC endpoint of a node of this network. It may embed an API key, so only "
        "administrators can read it.",
    )
    rpc_fallback_urls = fields.Text(
        string="Fallback RPC Endpoints",
        groups="base.group_system",
        help="Other endpoints of this network, one per line, tried in order when the first "
        "fails or serves another chain; a second endpoint also confirms a reorganisation "
        "before anything is reversed.",
    )
    rpc_timeout = fields.Integer(
        string="RPC Timeout (s)", default=20, help="Seconds to wait for the node's answer."
    )
    explorer_tx_url = fields.Char(
        string="Explorer Transaction URL",
        help="Link to a transaction on a block explorer; {hash} is replaced by its hash.",
    )
    explorer_address_url = fields.Char(
        string="Explorer Address URL",
        help="Link to an address on a block explorer; {address} is replaced by the address.",
    )
    confirmations_seen = fields.Integer(
        string="Confirmations to Show In Progress",
        default=1,
        tracking=True,
        help="Blocks on top of a transfer before the payer sees it as in progress.",
    )
    confirmations_final = fields.Integer(
        string="Confirmations to Accept",
        default=12,
        tracking=True,
        help="Blocks on top of a transfer before it is final and reconciled.",
    )

    block_seconds = fields.Float(
        string="Block Time (s)",
        default=12.0,
        help="The network's usual time between blocks: when a transfer is seen, the watcher "
        "is scheduled for the moment it should be final.",
    )
    finality = fields.Selection(
        [
            ("depth", "Confirmations"),
            ("safe", "Safe block (node's tag)"),
            ("finalized", "Finalized block (node's tag)"),
        ],
        default="depth",
        required=True,
        tracking=True,
        help="When a transfer is final: after the confirmations to accept it, or once the "
        "node reports its block as safe or finalized (proof-of-stake chains and rollups: "
        "finality itself, not a count of blocks; slower, e.g. about 13 minutes on Ethereum).",
    )
    final_block = fields.Integer(related="cursor_ids.final_block", readonly=False)
    token_ids = fields.One2many("stablecoin.token", "network_id", string="Tokens")
    # -- chain watcher state ---------------------------------------------------------------
    start_block = fields.Integer(
        help="First block to scan. Empty: the watcher starts near the current head when it "
        "first runs (receipts made before the addon was set up are not imported)."
    )
    # Where the watcher is and how the node answers: written at every scan, so kept on a row
    # of their own (stablecoin.network.cursor); shown (and writable) here.
    cursor_ids = fields.One2many(
        "stablecoin.network.cursor", "network_id", string="Watcher Cursor", readonly=True
    )
    last_scanned_block = fields.Integer(related="cursor_ids.last_scanned_block", readonly=False)
    last_scanned_hash = fields.Char(related="cursor_ids.last_scanned_hash", readonly=False)
    scan_chunk_size = fields.Integer(
        related="cursor_ids.scan_chunk_size", readonly=False, default=2000, copy=True
    )
    max_chunk_size = fields.Integer(
        default=10000,
        help="The widest block range asked in one eth_getLogs (TronGrid: 5,000).",
    )
    max_topics_per_query = fields.Integer(
        string="Addresses per Log Query",
        default=MAX_TOPICS_PER_QUERY,
        help="Most of our addresses OR-ed in one eth_getLogs filter; more are split into "
        "several queries (one per group, whatever the number of tokens). What hosted "
        "endpoints accept: docs/rpc-providers.md.",
    )
    log_result_cap = fields.Integer(
        help="Most logs the node answers for one eth_getLogs (0: no known cap). An answer "
        "this long may be cut short: its range is split and asked again.",
    )
    reorg_window_blocks = fields.Integer(
        string="Deep Reorg Window",
        default=200,
        help="Transfers in these last blocks are re-checked after they were accepted: a "
        "reorganisation deeper than the confirmations reverses what they paid.",
    )
    rescan_overlap_blocks = fields.Integer(
        string="Rescan Overlap",
        default=12,
        help="Blocks below the checkpoint read again at every scan: a load-balanced provider "
        "whose logs lag behind its head answers nothing for the newest blocks; the next scan "
        "finds what it missed. Transfers are recorded once whatever the overlap.",
    )
    head_block = fields.Integer(related="cursor_ids.head_block", readonly=False)
    last_verified_block = fields.Integer(related="cursor_ids.last_verified_block", readonly=False)
    lag_blocks = fields.Integer(compute="_compute_lag_blocks", string="Lag (blocks)")
    health = fields.Selection(related="cursor_ids.health", readonly=False, default="unknown")
    last_success = fields.Datetime(related="cursor_ids.last_success", readonly=False)
    last_error = fields.Text(related="cursor_ids.last_error", readonly=False)
    endpoint_status = fields.Text(related="cursor_ids.endpoint_status", readonly=False)
    error_count = fields.Integer(related="cursor_ids.error_count", readonly=False)
    next_retry = fields.Datetime(related="cursor_ids.next_retry", readonly=False)

    _sql_constraints = [  # noqa: RUF012 (Odoo declares constraints this way)
        ("chain_id_unique", "UNIQUE(chain_id)", "A network with this chain ID already exists."),
        ("chain_id_positive", "CHECK(chain_id > 0)", "The chain ID must be a positive number."),
        ("block_seconds_positive", "CHECK(block_seconds > 0)", "Block time: more than 0 s."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        """Each network with its watcher cursor (given the cursor's values, if any)."""
        vals_list = [dict(vals) for vals in vals_list]
        cursors = [
            {name: vals.pop(name) for name in CURSOR_FIELDS if name in vals} for vals in vals_list
        ]
        networks = super().create(vals_list)
        self.env["stablecoin.network.cursor"].sudo().create(
            [
                dict(vals, network_id=network.id)
                for network, vals in zip(networks, cursors, strict=True)
            ]
        )
        return networks

    def _cursor_sudo(self):
        """This network's watcher cursor (where the watcher writes), made if missing."""
        self.ensure_one()
        cursor_sudo = self.sudo().cursor_ids[:1]
        if not cursor_sudo:
            cursor_sudo = (
                self.env["stablecoin.network.cursor"].sudo().create({"network_id": self.id})
            )
        return cursor_sudo

    @api.constrains("confirmations_seen", "confirmations_final")
    def _check_confirmations(self):
        for network in self:
            if network.confirmations_seen < 0 or network.confirmations_final < 1:
                raise ValidationError(
                    self.env._("Network %s: confirmations must be positive.", network.name)
                )
            if network.confirmations_seen > network.confirmations_final:
                raise ValidationError(
                    self.env._(
                        "Network %s: the confirmations to show a payment in progress cannot "
                        "exceed the confirmations to accept it.",
                        network.name,
                    )
                )

    @api.constrains("kind")
    def _check_kind_of_wallets(self):
        """A network keeps the type of the wallets receiving its tokens (their addresses are
        read and written as that type's)."""
        wallets = (
            self.env["stablecoin.wallet"].sudo().search([("token_ids.network_id", "in", self.ids)])
        )
        wallets._check_network_kind()

    @api.constrains("rpc_url", "rpc_fallback_urls")
    def _check_rpc_url(self):
        for network in self.sudo():
            for url in network._rpc_urls():
                network._check_one_rpc_url(url)

    def _check_one_rpc_url(self, url):
        network = self
        if url:
            parts = urlparse(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValidationError(
                    self.env._(
                        "Network %(name)s: the RPC endpoint %(url)s is not an http(s) URL.",
                        name=network.name,
                        url=url,
                    )
                )
            if parts.scheme == "http" and not _is_local_host(parts.hostname):
                raise ValidationError(
                    self.env._(
                        "Network %(name)s: the RPC endpoint must use https:// (its address "
                        "often carries an API key); plain http:// is accepted only for this "
                        "machine or a host of a private network (a name without dots).",
                        name=network.name,
                    )
                )

    @api.constrains(
        "rpc_timeout",
        "scan_chunk_size",
        "max_chunk_size",
        "log_result_cap",
        "max_topics_per_query",
        "start_block",
        "reorg_window_blocks",
        "rescan_overlap_blocks",
    )
    def _check_watcher_settings(self):
        for network in self:
            problems = [
                (not 1 <= network.rpc_timeout <= 300, self.env._("RPC Timeout: 1 to 300 s.")),
                (
                    # (checked once the network has its cursor, which keeps the chunk size)
                    bool(network.cursor_ids) and network.scan_chunk_size < 1,
                    self.env._("Scan chunk size: at least 1 block."),
                ),
                (network.log_result_cap < 0, self.env._("Log Result Cap: 0 or more.")),
                (
                    network.max_topics_per_query < 1,
                    self.env._("Addresses per Log Query: at least 1."),
                ),
                (
                    network.max_chunk_size < max(network.scan_chunk_size, 1),
                    self.env._("Max chunk size: at least the scan chunk size."),
                ),
                (network.start_block < 0, self.env._("Start Block: 0 or more.")),
                (
                    network.reorg_window_blocks < 0,
                    self.env._("Deep Reorg Window: 0 blocks or more."),
                ),
                (
                    network.rescan_overlap_blocks < 0,
                    self.env._("Rescan Overlap: 0 blocks or more."),
                ),
            ]
            for bad, message in problems:
                if bad:
                    raise ValidationError(
                        self.env._(
                            "Network %(name)s: %(problem)s", name=network.name, problem=message
                        )
                    )

    @api.depends("head_block", "last_scanned_block")
    def _compute_lag_blocks(self):
        for network in self:
            network.lag_blocks = max(0, network.head_block - network.last_scanned_block)

    # -- addresses as people see them ------------------------------------------------------------
    def _family(self):
        """This network's chain family (:mod:`..chain.family`): EVM's for no network."""
        return family(self.kind or DEFAULT_KIND)

    def _display_address(self, address):
        """``address`` (0x, as stored) as this network's wallets and explorers write it."""
        try:
            return self._family().display_address(address)
        except InvalidAddress:
            return address

    def _display_tx(self, tx_hash):
        """A transaction hash as this network's explorers write it (Tron: without 0x)."""
        return self._family().display_tx(tx_hash)

    def _parse_address(self, text):
        """A typed address, in this network's form, as stored (0x, EIP-55); raises
        :class:`~..chain.InvalidAddress` with the reason."""
        return self._family().parse_address(text)

    # -- RPC ---------------------------------------------------------------------------------
    def _rpc_urls(self):
        self.ensure_one()
        network = self.sudo()
        extra = (network.rpc_fallback_urls or "").split()
        return [url for url in [network.rpc_url, *extra] if url]

    def _rpc_client(self):
        """A client of this network's endpoints, in order, each checked to serve this chain."""
        self.ensure_one()
        urls = self._rpc_urls()
        if not urls:
            raise UserError(self.env._("Network %s has no RPC endpoint.", self.name))
        return FailoverClient(urls, timeout=self.rpc_timeout or 20, chain_id=self.chain_id)

    def _check_chain_id(self, client):
        answered = client.chain_id()
        if answered != self.chain_id:
            raise UserError(
                self.env._(
                    "The RPC endpoint of %(name)s answers chain id %(answered)s, not "
                    "%(expected)s: it is a node of another network.",
                    name=self.name,
                    answered=answered,
                    expected=self.chain_id,
                )
            )

    def action_test_connection(self):
        self.ensure_one()
        client = self._rpc_client()
        try:
            self._check_chain_id(client)
            head = client.block_number()
        except RpcError as exc:
            raise UserError(self.env._("%(name)s: %(error)s", name=self.name, error=exc)) from exc
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Connected to %(name)s at block %(head)s.", name=self.name, head=head
                ),
            },
        }

    # -- watcher -----------------------------------------------------------------------------
    @api.model
    def _cron_scan(self):
        """Scheduled action: scan every active network, each isolated from the others; then,
        while payments are expected on some of them, follow their heads (:meth:`_follow`)."""
        networks = self.search([("rpc_url", "!=", False)])
        now = fields.Datetime.now()
        due = networks.filtered(lambda n: not n.next_retry or n.next_retry <= now)
        seconds = self._follow_seconds()
        followed = due.filtered(lambda n: n._follows_now()) if seconds > 0 else self.browse()
        # One network at a time, each committed outside tests: a later failure loses none of
        # the scans before it. The networks where a payment is expected are scanned by the
        # follower, at their next block (a run that starts after the follower gave way costs
        # no call before the next block comes).
        run_batches(
            self.env,
            due - followed,
            lambda network: network._scan_guarded(),
            total=len(due - followed),
        )
        self._after_scan(due - followed)
        if followed:
            self._follow(followed, seconds)

    @api.model
    def _after_scan(self, networks):
        """Hook: after scans of ``networks`` that may have confirmed transfers (invoicing pays
        them at once)."""
        return True

    def _after_follow_step(self):
        """Hook: after a step of the follower read new blocks of this network (invoicing
        pays what became final)."""
        return True

    def _follows_now(self):
        """Whether the follower asks this network for its head now: active, not backing off
        after failures, and a payment expected."""
        self.ensure_one()
        now = fields.Datetime.now()
        return (
            self.active
            and (not self.next_retry or self.next_retry <= now)
            and self._payments_expected()
        )

    def _payments_expected(self):
        """Whether a payment may arrive on this network now: the head is followed block by
        block while it does. Here: transfers seen and waiting for their depth; invoicing adds
        the open payment requests."""
        self.ensure_one()
        return bool(
            self.env["stablecoin.transfer"]
            .sudo()
            .search_count([("network_id", "=", self.id), ("state", "=", "seen")], limit=1)
        )

    @api.model
    def _follow_seconds(self):
        """How long one run of the scheduled scan follows the heads before it gives its cron
        thread back (system parameter ``stablecoin_wallet.follow_seconds``, 0: never follow,
        scan once a minute). Under tests only when a test asks (context), never otherwise."""
        if not may_commit(self.env):
            return self.env.context.get("stablecoin_follow_seconds", 0)
        value = self.env["ir.config_parameter"].sudo().get_param("stablecoin_wallet.follow_seconds")
        if not value:  # not set (get_param answers False)
            return FOLLOW_SECONDS
        try:
            return max(0.0, float(value))
        except ValueError:
            return FOLLOW_SECONDS

    @api.model
    def _follow(self, networks, seconds):
        """Follow the heads of ``networks`` where payments are expected: ask each for its
        latest block about once a block, and scan (and pay, :meth:`_after_follow_step`) as soon
        as there is a new one. One call a block when nothing happens, three with the logs.

        Runs inside the scheduled scan for at most ``seconds``, and gives its cron thread back
        earlier when another scheduled job is ready: at once, or, while a receipt becomes final
        with the next block, after that block (a block time and a half at most). It then asks
        for the next run at once (a trigger for now, which wakes a cron worker), so the heads
        stay followed while payments are expected. One follower per database at a time,
        whatever the number of Odoo servers: Odoo's cron runner locks the job, and each scan
        locks its network's cursor."""
        deadline = time.monotonic() + seconds
        others_due_since = None
        while True:
            followed = networks.filtered(lambda n: n._follows_now())
            if not followed:
                return False
            for network in followed:
                key = (self.env.cr.dbname, network.id)
                if _NEXT_POLL.get(key, 0) > time.monotonic():
                    continue
                asked = time.monotonic()
                new_head = network._scan_guarded(follow=True)
                if new_head:
                    network._after_follow_step()
                # Counted from the moment the head was asked (paying a receipt does not push
                # the next ask past the next block), and kept across runs: a run that starts
                # after the follower gave way asks nothing before the next block is due.
                _NEXT_POLL[key] = asked + watch.next_poll_delay(network.block_seconds, new_head)
                if may_commit(self.env):
                    self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
            clock = time.monotonic()
            if clock >= deadline:
                self._follow_again()
                return True
            if self._other_jobs_ready():
                # Another job is due: it gets the thread at once, unless a receipt becomes
                # final with the next block: then it waits for that block (a block time and a
                # half at most), and the receipt is paid in this run rather than after it.
                others_due_since = others_due_since or clock
                waited = clock - others_due_since
                if not any(
                    n._final_next_block() and waited < watch.other_jobs_patience(n.block_seconds)
                    for n in followed
                ):
                    self._follow_again()
                    return True
            else:
                others_due_since = None  # another cron worker took it
            polls = [_NEXT_POLL.get((self.env.cr.dbname, n.id), 0) for n in followed]
            wake = min(polls + [deadline])
            if others_due_since is not None:
                wake = min(wake, clock + watch.MIN_POLL_SECONDS / 4)
            time.sleep(max(0.0, min(wake, deadline) - time.monotonic()))

    @api.model
    def _other_jobs_ready(self):
        """Another scheduled job is due (by its time or a trigger): the follower gives way."""
        own = self.env.ref("stablecoin_wallet.ir_cron_stablecoin_scan", False)
        own_id = own.id if own else 0
        now = fields.Datetime.now()
        Cron = self.env["ir.cron"].sudo()
        if Cron.search_count([("id", "!=", own_id), ("nextcall", "<=", now)], limit=1):
            return True
        return bool(
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count(
                [("cron_id", "!=", own_id), ("cron_id.active", "=", True), ("call_at", "<=", now)],
                limit=1,
            )
        )

    def _final_next_block(self):
        """Whether a receipt of this network becomes final with the next block (by depth)."""
        self.ensure_one()
        if self.finality != "depth" or not self.head_block:
            return False
        last = watch.last_block_final_next(self.head_block, self.confirmations_final)
        return bool(
            self.env["stablecoin.transfer"]
            .sudo()
            .search_count(
                [
                    ("network_id", "=", self.id),
                    ("state", "=", "seen"),
                    ("block_number", "<=", last),
                ],
                limit=1,
            )
        )

    @api.model
    def _follow_again(self):
        """Ask for the next run of the scheduled scan now (a trigger due now wakes a worker at
        commit). Odoo's runner removes the job's triggers older than the moment it took the
        job when the run ends, and the ORM writes datetimes to the second: the trigger gets
        the exact time, later than that moment (no wait for the next second)."""
        scan = self.env.ref("stablecoin_wallet.ir_cron_stablecoin_scan", False)
        if not scan:
            return
        triggers = scan.sudo()._trigger()
        if triggers:
            self.env.cr.execute(
                "UPDATE ir_cron_trigger SET call_at = clock_timestamp() AT TIME ZONE 'UTC'"
                " WHERE id IN %s",
                [tuple(triggers.ids)],
            )
            triggers.invalidate_recordset(["call_at"])

    def _follow_soon(self):
        """A payment is now expected on these networks: start following their heads now,
        unless a run of the watcher is already asked for."""
        scan = self.env.ref("stablecoin_wallet.ir_cron_stablecoin_scan", False)
        if not scan or not self:
            return
        pending = [("cron_id", "=", scan.id), ("call_at", "<=", fields.Datetime.now())]
        if not self.env["ir.cron.trigger"].sudo().search_count(pending, limit=1):
            scan.sudo()._trigger()

    def action_scan_now(self):
        """Manual "Scan now" (administrators): scan, then show the outcome. The scan writes
        what only the watcher writes (transfers, the cursor): it runs as the superuser, once
        the user is checked to be a settings administrator."""
        self.ensure_one()
        if not self.env.is_system():
            raise AccessError(
                self.env._("Only administrators (Settings) can scan the network %s.", self.name)
            )
        network_sudo = self.sudo()
        network_sudo._scan_guarded()
        if network_sudo.health == "error":
            raise UserError(
                self.env._(
                    "Scan of %(name)s failed: %(error)s",
                    name=self.name,
                    error=network_sudo.last_error,
                )
            )
        return True

    def _scan_guarded(self, follow=False):
        """Scan, recording health; an error marks this network failing and backs it off.
        Returns whether the scan read new blocks (``follow``: a step of the head follower,
        which reads nothing when the head has not moved)."""
        self.ensure_one()
        if not self._lock_for_scan():
            _logger.info("Network %s is being scanned by another worker", self.name)
            return False
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                client, moved = self._scan(follow=follow)
        except psycopg2.errors.TransactionRollbackError:
            # Another worker changed what this scan read (its own scan or match committed in
            # between): nothing is wrong with the network; the next scan does it.
            _logger.info("Scan of %s met a concurrent update; retrying later", self.name)
            self.env.invalidate_all()
            return False
        except (RpcError, UserError) as exc:
            self._record_failure(str(exc))
            return False
        except Exception as exc:  # pylint: disable=broad-except
            _logger.exception("Unexpected error while scanning %s", self.name)
            self._record_failure(f"{exc.__class__.__name__}: {exc}")
            return False
        else:
            # Healthy through a fallback: say which endpoint failed and why.
            failed = "; ".join(
                self.env._("endpoint #%(n)s failed: %(error)s", n=index + 1, error=error)
                for index, error in sorted(client.failures.items())
            )
            self._cursor_sudo().write(
                {
                    "health": "ok",
                    "last_success": fields.Datetime.now(),
                    "last_error": failed or False,
                    "error_count": 0,
                    "next_retry": False,
                    "endpoint_status": self._endpoint_status(client),
                }
            )
            return moved

    def _endpoint_status(self, client):
        """One line per endpoint (by position, never its address: it may hold a key): answered,
        failed with its error, or not needed in this scan."""
        lines = []
        for index in range(len(client.clients)):
            if index in client.failures:
                state = self.env._("failing: %s", client.failures[index])
            elif index == client.used:
                state = self.env._("answered")
            else:
                state = self.env._("standing by")
            lines.append(f"#{index + 1}: {state}")
        return "\n".join(lines)

    def _record_failure(self, message):
        cursor_sudo = self._cursor_sudo()
        count = cursor_sudo.error_count + 1
        delay = min(MAX_BACKOFF_MINUTES, 2 ** (count - 1))
        _logger.warning("Stablecoin network %s failing (%s): %s", self.name, count, message)
        cursor_sudo.write(
            {
                "health": "error",
                "last_error": message,
                "error_count": count,
                "next_retry": fields.Datetime.now() + timedelta(minutes=delay),
            }
        )

    def _lock_for_scan(self):
        """Lock of this network's cursor (the row a scan writes; not the network's, which
        transfers reference) so that two workers never scan one network at once; False if
        taken."""
        return try_lock_row(self.env.cr, "stablecoin_network_cursor", self._cursor_sudo().id)

    def _scan(self, follow=False):
        """Scan from the checkpoint to the head, then confirm or revert what awaits depth.
        Returns ``(client, moved)``: ``moved`` when there were new blocks to read.

        The head's number and hash come in one call (the hash is the next checkpoint's); when
        the head is the block the last scan ended on, a step of the follower (``follow``)
        reads nothing more. Transfers out of our addresses are read at every scheduled scan,
        but only every minute or so of blocks while the head is followed
        (:func:`~..chain.watch.out_scan_every`)."""
        self.ensure_one()
        client = self._rpc_client()
        head, head_hash, parent_hash = client.latest_block()
        cursor_sudo = self._cursor_sudo()
        if follow and watch.head_unchanged(
            cursor_sudo.last_scanned_block, cursor_sudo.last_scanned_hash, head, head_hash
        ):
            return client, False
        cursor_sudo.head_block = head
        if self.finality != "depth":
            # Tron: "finalized" is the solidified block (about 19 blocks behind the head).
            tagged = client.call("eth_getBlockByNumber", self.finality, False)
            cursor_sudo.final_block = watch.tagged_block_number(tagged)
        reorganised = self._detect_checkpoint_reorg(client, head, head_hash, parent_hash)
        tokens = self.token_ids.filtered("active")
        # The addresses of wallets of this network's type (a Tron wallet's are not watched on
        # EVM networks, nor the reverse).
        # (active_test off: an archived wallet's still active addresses stay watched, as before.)
        addresses = (
            self.env["stablecoin.address"]
            .sudo()
            .with_context(active_test=False)
            .search([("active", "=", True), ("wallet_id.network_kind", "=", self.kind)])
        )
        if not cursor_sudo.last_scanned_block:
            cursor_sudo.last_scanned_block = watch.first_checkpoint(
                self.start_block, head, self.confirmations_final
            )
        checkpoint = cursor_sudo.last_scanned_block
        out_checkpoint = min(cursor_sudo.last_scanned_out_block or checkpoint, checkpoint)
        read_out = not follow or head - out_checkpoint >= watch.out_scan_every(
            self.confirmations_final, self.block_seconds
        )
        seen = {}
        if tokens and addresses:
            by_contract = {t.contract_address: t for t in tokens}
            by_address = {a.address: a for a in addresses}
            passes = [(checkpoint, True, read_out and out_checkpoint == checkpoint)]
            if read_out and out_checkpoint != checkpoint:
                passes.append((out_checkpoint, False, True))
            for since, incoming, outgoing in passes:
                start = watch.scan_from(since, self.start_block, self.rescan_overlap_blocks)
                chunks = scan_transfers(
                    client,
                    list(by_contract),
                    list(by_address),
                    start,
                    head,
                    chunk_size=cursor_sudo.scan_chunk_size,
                    max_chunk=self.max_chunk_size,
                    result_cap=self.log_result_cap,
                    incoming=incoming,
                    outgoing=outgoing,
                    max_topics=self.max_topics_per_query or MAX_TOPICS_PER_QUERY,
                )
                if head - start >= (cursor_sudo.scan_chunk_size or 1):
                    # Several block ranges (a catch-up): the node answers the next while
                    # this one is recorded.
                    chunks = read_ahead(chunks)
                for chunk in chunks:
                    self.env["stablecoin.transfer"]._record_transfers(
                        self, chunk.transfers, by_contract, by_address, head=head
                    )
                    seen.update(
                        ((t.tx_hash, t.log_index), (t.block_hash, t.block_time))
                        for t in chunk.transfers
                    )
                    vals = {"scan_chunk_size": chunk.next_size}
                    if incoming:
                        vals["last_scanned_block"] = chunk.end
                    if outgoing:
                        vals["last_scanned_out_block"] = chunk.end
                    cursor_sudo.write(vals)
        cursor_sudo.last_scanned_block = head
        if read_out:
            cursor_sudo.last_scanned_out_block = head
        cursor_sudo.last_scanned_hash = head_hash
        self.env["stablecoin.transfer"]._update_confirmations(self, client, head, seen=seen)
        # A reorganisation that removes an accepted transfer replaces every later block, the
        # checkpoint's included: re-check them when the checkpoint moved, and every
        # confirmation depth of blocks the ones accepted since (not at every scan: RPC calls
        # cost).
        if watch.verify_due(
            head, cursor_sudo.last_verified_block, self.confirmations_final, reorganised
        ):
            since = watch.verify_from(
                head,
                cursor_sudo.last_verified_block,
                self.reorg_window_blocks,
                self.confirmations_final,
                reorganised,
            )
            self.env["stablecoin.transfer"]._verify_settled(self, client, head, since=since)
            cursor_sudo.last_verified_block = head
        return client, True

    def _last_final_block(self, head):
        """The last final block of this network, the head being ``head`` (-1: none)."""
        self.ensure_one()
        return watch.last_final_block(
            head, self.finality, self.confirmations_final, self.final_block
        )

    def _is_final(self, block_number, head):
        """Whether a transfer of ``block_number`` is final, the head being ``head``."""
        self.ensure_one()
        return watch.is_final(
            block_number, head, self.finality, self.confirmations_final, self.final_block
        )

    def _detect_checkpoint_reorg(self, client, head=None, head_hash=None, parent_hash=None):
        """If the block at the checkpoint changed, step back and rescan the unsure blocks.
        The latest block (``head``, its hash and parent's) proves it unchanged without a call
        when it is the checkpoint or the block after it."""
        cursor_sudo = self._cursor_sudo()
        if not cursor_sudo.last_scanned_block or not cursor_sudo.last_scanned_hash:
            return False
        if head is not None and watch.checkpoint_linked(
            cursor_sudo.last_scanned_block,
            cursor_sudo.last_scanned_hash,
            head,
            head_hash,
            parent_hash,
        ):
            return False
        back = watch.checkpoint_rewind(
            cursor_sudo.last_scanned_block,
            cursor_sudo.last_scanned_hash,
            client.block_hash(cursor_sudo.last_scanned_block),
            self.confirmations_final,
        )
        if back is not None:
            _logger.warning(
                "Reorganisation on %s at block %s: rescanning from %s",
                self.name,
                cursor_sudo.last_scanned_block,
                back + 1,
            )
            cursor_sudo.write(
                {
                    "last_scanned_block": back,
                    "last_scanned_hash": False,
                    "last_scanned_out_block": min(cursor_sudo.last_scanned_out_block or back, back),
                }
            )
            return True
        return False

    def _rewind_to(self, block):
        """Make the next scan start again at ``block`` (after a reorganisation)."""
        cursor_sudo = self._cursor_sudo()
        checkpoint = watch.rewind(cursor_sudo.last_scanned_block, block)
        if checkpoint is not None:
            cursor_sudo.write({"last_scanned_block": checkpoint, "last_scanned_hash": False})
        out = cursor_sudo.last_scanned_out_block
        if out and watch.rewind(out, block) is not None:
            cursor_sudo.last_scanned_out_block = watch.rewind(out, block)
