/** @odoo-module **/
// The invoice page's stablecoin card follows the payment by itself: it polls the status route
// (which reads the database, never the chain) and, when the status or the amount asked
// changes, swaps in the card as the server renders it now. No full reload.

import publicWidget from "@web/legacy/js/public/public_widget";
import { _t } from "@web/core/l10n/translation";

// While a payment is awaited, the page asks every half block of its network (the watcher
// scans no more often), at least every 2 s and at most every 10 s; after a few minutes without
// a payment, every 15 s; once a payment is on its way, every second until it is paid.
const POLL_MS_IN_PROGRESS = 1000;
const POLL_MS_IDLE = 15000;
const BUSY_MS = 5 * 60 * 1000;
const MAX_POLL_MS = 30 * 60 * 1000; // a page left open stops asking after half an hour
const FINAL = new Set(["paid", "paid_late", "overpaid", "rejected"]);
// No new payment is started from the page in these states (one is on its way, or none is due).
// A payment under a compliance review takes no other payment meanwhile.
const NOT_PAYABLE = new Set(["in_progress", "on_hold", ...FINAL]);

publicWidget.registry.StablecoinPaymentStatus = publicWidget.Widget.extend({
    selector: ".o_stablecoin_portal_payment",
    events: {
        "click .o_stablecoin_other_amount": "_onOtherAmount",
    },

    /** "Sent a different amount?": the claim form, opened, its field ready. */
    _onOtherAmount(ev) {
        ev.preventDefault();
        const claim = this.el.querySelector("details.o_stablecoin_claim");
        if (claim) {
            claim.open = true;
            claim.scrollIntoView({ block: "center" });
            claim.querySelector("input[name=tx_hash]")?.focus();
        }
    },

    start() {
        this.startedAt = Date.now();
        this._onSent = () => {
            this._lockPayNow(true);
            this._wakeUp();
        };
        document.addEventListener("stablecoin:payment-sent", this._onSent);
        // A payer coming back to the page (from the wallet app) is awaited at full pace again.
        this._onVisible = () => !document.hidden && this._wakeUp();
        document.addEventListener("visibilitychange", this._onVisible);
        this._lockPayNow(NOT_PAYABLE.has(this.el.dataset.status));
        this._tick();
        this.ticker = setInterval(() => this._tick(), 1000);
        if (!FINAL.has(this.el.dataset.status)) {
            this._schedule();
        }
        return this._super(...arguments);
    },

    destroy() {
        document.removeEventListener("stablecoin:payment-sent", this._onSent);
        document.removeEventListener("visibilitychange", this._onVisible);
        clearTimeout(this.timer);
        clearInterval(this.ticker);
        this._super(...arguments);
    },

    /** *Pay Now* (Odoo's buttons opening the payment dialog) follows the card: disabled from
     * the moment the browser wallet sent a payment, then as long as the server's status says
     * a payment is on its way or none is due (enabled again for a remainder). */
    _lockPayNow(locked) {
        this.payNowLocked = locked;
        const buttons = document.querySelectorAll('[data-bs-target="#pay_with"], a[href*="#portal_pay"]');
        for (const button of buttons) {
            button.classList.toggle("disabled", this.payNowLocked);
            button.setAttribute("aria-disabled", String(this.payNowLocked));
            if (this.payNowLocked) {
                button.setAttribute("tabindex", "-1");
                button.title = _t("A payment is on its way: wait for it to be confirmed.");
            }
        }
        const dialog = document.getElementById("pay_with");
        if (this.payNowLocked && dialog && dialog.classList.contains("show")) {
            dialog.querySelector(".btn-close")?.click();
        }
    },

    /** The quote's expiry in the payer's own time zone, and the time left, every second. */
    _tick() {
        const expires = this.el.querySelector(".o_stablecoin_expires[data-expires]");
        const countdown = this.el.querySelector(".o_stablecoin_countdown");
        if (!expires || !countdown) {
            return;
        }
        const at = new Date(expires.dataset.expires);
        if (Number.isNaN(at.getTime())) {
            return;
        }
        expires.textContent = at.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
        const left = Math.max(0, Math.round((at - Date.now()) / 1000));
        const minutes = Math.floor(left / 60);
        const seconds = String(left % 60).padStart(2, "0");
        countdown.textContent = left ? _t("%s:%s left", minutes, seconds) : _t("expired");
    },

    _wakeUp() {
        this.startedAt = Date.now();
        if (!FINAL.has(this.el.dataset.status)) {
            this._schedule();
        }
    },

    _schedule() {
        clearTimeout(this.timer);
        if (Date.now() - this.startedAt < MAX_POLL_MS) {
            const age = Date.now() - this.startedAt;
            const pace = Number(this.el.dataset.pollMs) || 2000;
            const delay =
                this.el.dataset.status === "in_progress"
                    ? POLL_MS_IN_PROGRESS
                    : age < BUSY_MS
                      ? pace
                      : POLL_MS_IDLE;
            this.timer = setTimeout(() => this._poll(), delay);
        }
    },

    async _poll() {
        if (document.hidden) {
            return this._schedule();
        }
        try {
            const response = await fetch(this.el.dataset.statusUrl, {
                headers: { Accept: "application/json" },
                credentials: "same-origin",
            });
            const data = response.ok ? await response.json() : null;
            if (data && data.ok && (data.status !== this.el.dataset.status || data.units !== this.el.dataset.units)) {
                await this._refreshCard();
            }
        } catch {
            // A network hiccup: the next poll tries again.
        }
        if (!FINAL.has(this.el.dataset.status)) {
            this._schedule();
        }
    },

    async _refreshCard() {
        const response = await fetch(window.location.href, { credentials: "same-origin" });
        if (!response.ok) {
            return;
        }
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.getElementById("stablecoin_portal_payment");
        if (!fresh) {
            return;
        }
        // The widgets inside the card (browser-wallet and copy buttons) restart on the new
        // content; this one goes on (stopping the card itself would stop its polling, its
        // links and its countdown, and its request to start the others would reach no one).
        this.trigger_up("widgets_stop_request", { $target: $(this.el).children() });
        this.el.innerHTML = fresh.innerHTML;
        for (const name of ["status", "units", "statusUrl", "pollMs"]) {
            this.el.dataset[name] = fresh.dataset[name] || "";
        }
        this.trigger_up("widgets_start_request", { $target: $(this.el).children() });
        this._lockPayNow(NOT_PAYABLE.has(this.el.dataset.status));
    },
});

/** Copy a button's ``data-copy`` value (the exact amount or address) to the clipboard. */
export async function copyFromButton(button) {
    try {
        await navigator.clipboard.writeText(button.dataset.copy);
        button.textContent = _t("Copied");
    } catch {
        button.textContent = _t("Select and copy");
    }
}

// Copy buttons beside the amount and the address: the exact values, no hand-typing.
publicWidget.registry.StablecoinCopy = publicWidget.Widget.extend({
    selector: "#stablecoin_portal_payment .o_stablecoin_payment",
    events: { "click .o_stablecoin_copy": "_onCopy" },

    _onCopy(ev) {
        return copyFromButton(ev.currentTarget);
    },
});
